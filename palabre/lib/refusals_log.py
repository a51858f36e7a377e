"""A refusal is one line in the log, not a traceback.

Django logs each 403 as "Forbidden (Permission denied)" with the exception attached, so the
log printed a whole traceback every time a role opened a page it may not (a walkthrough's
server log was mostly those). The line stays; the traceback of an expected refusal goes.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
