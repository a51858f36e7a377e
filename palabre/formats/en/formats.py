"""English dates, day first as in "Fri 4 Dec" (Django's own English puts the month first,
"Dec. 4, 2026", and the time in "2:30 p.m.": next to French pages, Palabre keeps one order
and the 24-hour clock)."""

DAY_FORMAT = "D j M"
DAY_TIME_FORMAT = "D j M, H:i"
LONG_DAY_FORMAT = "l j F"
LONG_DAY_TIME_FORMAT = "l j F, H:i"

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
MONTH_AXIS_FORMAT = "M y"  # a chart's months: "Dec 26"
