"""What a person does on X's authorization page (the X double's, tests/networks/x/oauth.py):
allow Palabre for one of their accounts, or cancel. Returns where X sends them back."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""


def x_consent(location: str, *, user: Any, allow: bool = True) -> str:
    """Open X's authorization page at `location` and answer it; the redirect's address."""
    page = httpx.get(location)
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    answer = {**form.fields, "account": user.id, "decision": "allow" if allow else "deny"}
    base = location.split("?", 1)[0]
    back = httpx.post(base, data=answer, follow_redirects=False)
    assert back.status_code in (302, 303), back.text
    return back.headers["location"]
