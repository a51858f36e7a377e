"""How Palabre writes dates, per language (settings.FORMAT_MODULE_PATH points here).

Two styles, each in a short and a long form, and a chart's short labels; nothing else on a page:

- a day: short "ven. 4 déc." / "Fri 4 Dec" (DAY_FORMAT, DAY_TIME_FORMAT), long
  "vendredi 4 décembre" / "Friday 4 December" (LONG_DAY_FORMAT, LONG_DAY_TIME_FORMAT);
- a date with its year: "4 décembre 2026" / "4 December 2026" (DATE_FORMAT,
  DATETIME_FORMAT), or in a table's column "04/12/2026" (SHORT_DATE_FORMAT,
  SHORT_DATETIME_FORMAT), where dates line up;
- a chart's axis, where labels are short: "4 déc." / "4 Dec" (DAY_AXIS_FORMAT), "déc. 26" /
  "Dec 26" (MONTH_AXIS_FORMAT).

Templates name a format ({{ when|date:"DAY_TIME_FORMAT" }}), Python code passes the name to
written.date_text(), which the templates' `date` filter calls too (filters.py): in French,
the first of a month is an ordinal, "1er décembre". Every name is defined in every language: Django writes
a name it cannot find as a literal format string, letter by letter.
"""
