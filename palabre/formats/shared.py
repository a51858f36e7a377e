"""The styles French and English write alike: day first, the 24-hour clock, numeric dates
in table columns (where they line up). Each language's module adds its abbreviations."""

LONG_DAY_FORMAT = "l j F"
LONG_DAY_TIME_FORMAT = "l j F, H:i"

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
