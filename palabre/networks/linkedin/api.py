"""Where LinkedIn is, and which version of its API Palabre speaks.

- `PALABRE_LINKEDIN_API_URL` (default https://api.linkedin.com): the versioned REST API,
  `<url>/rest/…`;
- `PALABRE_LINKEDIN_LOGIN_URL` (default https://www.linkedin.com): the OAuth pages,
  `<url>/oauth/v2/authorization` and `<url>/oauth/v2/accessToken`;
- `PALABRE_LINKEDIN_API_VERSION` (default below, `YYYYMM`): sent as `LinkedIn-Version` on
  every request. LinkedIn keeps a version active for about a year
  (https://learn.microsoft.com/en-us/linkedin/marketing/versioning): an instance that has
  not been updated for that long sets a newer one here.

Read from Django's settings when they define them (tests point them at the double), else
from the environment, else the defaults.
"""

from __future__ import annotations

import os

from django.conf import settings

API_URL = "https://api.linkedin.com"
LOGIN_URL = "https://www.linkedin.com"
API_VERSION = "202611"


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None) or os.environ.get(name) or default
    return str(value).rstrip("/")


def api_url() -> str:
    return _setting("PALABRE_LINKEDIN_API_URL", API_URL)


def login_url() -> str:
    return _setting("PALABRE_LINKEDIN_LOGIN_URL", LOGIN_URL)


def version() -> str:
    return _setting("PALABRE_LINKEDIN_API_VERSION", API_VERSION)
