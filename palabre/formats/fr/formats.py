"""French dates: months and weekdays in lower case, abbreviated with a full stop
("ven. 4 déc."), never "Déc" (Django's "M" capitalises the abbreviation; "N" does not)."""

from palabre.formats.shared import *  # noqa: F403 (what both languages write alike)

DAY_FORMAT = "D. j N"
DAY_TIME_FORMAT = "D. j N, H:i"
MONTH_AXIS_FORMAT = "N y"  # a chart's months: "déc. 26"
DAY_AXIS_FORMAT = "j N"  # a chart's days: "4 déc." (short enough for a phone's axis)
