"""How long something took or has been waiting, as people say it: "3 h 20 min", "2 d 4 h"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    minutes, hours, days = seconds // 60 % 60, seconds // 3600 % 24, seconds // 86400
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours} if hours else _d(days)
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes} if minutes else _h(hours)
    return ngettext("%(m)s min", "%(m)s min", minutes) % {"m": minutes}


def _d(days: int) -> str:
    return _("%(d)s d") % {"d": days}  # "2 d", not "2 d 0 h"


def _h(hours: int) -> str:
    return _("%(h)s h") % {"h": hours}  # "1 h", not "1 h 0 min"


def minutes_text(minutes: int) -> str:
    """Time spent, in hours and minutes however long: a week's 1,530 minutes are "25 h 30 min"."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest} if rest else _h(hours)
    return ngettext("%(m)s min", "%(m)s min", rest) % {"m": rest}
