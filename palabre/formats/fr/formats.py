"""French dates: months and weekdays in lower case, abbreviated with a full stop
("ven. 4 déc."), never "Déc" (Django's "M" capitalises the abbreviation; "N" does not)."""

DAY_FORMAT = "D. j N"
DAY_TIME_FORMAT = "D. j N, H:i"
LONG_DAY_FORMAT = "l j F"
LONG_DAY_TIME_FORMAT = "l j F, H:i"

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
MONTH_AXIS_FORMAT = "N y"  # a chart's months: "déc. 26"
