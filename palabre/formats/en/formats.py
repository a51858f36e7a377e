"""English dates, day first as in "Fri 4 Dec" (Django's own English puts the month first,
"Dec. 4, 2026", and the time in "2:30 p.m.": next to French pages, Palabre keeps one order
and the 24-hour clock)."""

from palabre.formats.shared import *  # noqa: F403 (what both languages write alike)

DAY_FORMAT = "D j M"
DAY_TIME_FORMAT = "D j M, H:i"
MONTH_AXIS_FORMAT = "M y"  # a chart's months: "Dec 26"
DAY_AXIS_FORMAT = "j M"  # a chart's days: "4 Dec"
# Not "08/11/2026": an English reader may take it for 11 August (and a browser's own date
# fields write 11/08/2026 beside it, month first).
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
