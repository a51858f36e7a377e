"""Crawl the demo as one person, submit every form found with hostile values, and collect.

Each request runs inside a savepoint that is rolled back, with the person's cookies put
back afterwards: one submission's effect (a deleted channel, a logout, a changed
password) never hides the next form, and a database error in one request (PostgreSQL
aborts the transaction) cannot break the ones after it.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils.html import escape

from tests.hostile import html, values
from tests.hostile.html import TYPED, Form

# Pages the crawl does not open: it would end the session, or hand over a file.
# A list's next pages (`page=`) are its first page's template and forms again: crawled, they
# took the pages the per-person budget leaves for the rest of the site.
SKIP_CRAWL = re.compile(r"/logout/|\.csv$|\.csv\?|\.pdf|\.ics|/file/$|^/static/|^/media/|[?&]page=")
MAX_PAGES = 80  # per person
PER_SHAPE = 2  # pages of the same shape (the same path with other ids or query values)
CSRF = "csrfmiddlewaretoken"
DISPATCH = re.compile(r"^[a-z][a-z_-]{0,30}$")  # a hidden value that names an action
TRACE = os.environ.get("HOSTILE_SWEEP_TRACE", "")
# A request that takes longer is stopped and reported (a busy CI machine stays far below).
SLOW_SECONDS = 10.0


class TooSlow(Exception):
    pass


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the request after `seconds` (the sweep runs in the main thread)."""

    def expire(signum: int, frame: Any) -> None:
        raise TooSlow(f"over {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Finding:
    kind: str  # "500", "script", "input lost"
    who: str
    method: str
    url: str
    where: str  # the form and field
    value: str  # the hostile value's label
    status: int
    detail: str = ""

    def line(self) -> str:
        text = f"[{self.kind}] {self.who}: {self.method} {self.url} {self.where} = {self.value}"
        text += f" -> {self.status}"
        return text + (f"\n      {self.detail}" if self.detail else "")


def shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/#", parts.path)
    return path + "?" + ",".join(sorted(k for k, _ in parse_qsl(parts.query, True)))


def url_name(path: str) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return ""
    return match.url_name or match.route


def last_lines(response: HttpResponse) -> str:
    """Where Palabre's own code failed (its last frame), and the exception."""
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    frames = traceback.extract_tb(info[2])
    ours = [f for f in frames if "/palabre/" in f.filename] or frames[-1:]
    lines = [
        f"{f.filename.split('/palabre/', 1)[-1]}:{f.lineno} in {f.name}: {(f.line or '')[:160]}"
        for f in ours[-2:]
    ]
    last = traceback.format_exception_only(info[0], info[1])[-1].strip()
    return "\n      ".join([*lines, last[:400]])


def html_page(response: HttpResponse) -> bool:
    """A page a browser renders (a script in a JSON or CSV answer runs nowhere)."""
    return not response.streaming and "html" in response.get("Content-Type", "")


def hostile_in(content: bytes) -> bool:
    text = content.decode("utf-8", "replace")
    return any(marker in text for marker in values.SCRIPT_MARKERS)


@dataclass
class Sweep:
    foreign_ids: Callable[[Form, str], list[str]] = lambda form, name: []
    findings: list[Finding] = field(default_factory=list)
    posted: set[str] = field(default_factory=set)  # URL names reached by a POST
    requests: int = 0
    forms: dict[tuple[Any, ...], Form] = field(default_factory=dict)  # every distinct form
    first_seen_by: dict[tuple[Any, ...], str] = field(default_factory=dict)
    seen_by: dict[tuple[Any, ...], set[str]] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=dict)  # who → pages opened
    swept: set[tuple[str, str]] = field(default_factory=set)  # (address shape, field family)
    fuzzed: set[str] = field(default_factory=set)  # link shapes whose parameters were tried

    # --- Requests ----------------------------------------------------------------------

    @contextmanager
    def isolated(self, client: Client) -> Iterator[None]:
        cookies = deepcopy(client.cookies)
        try:
            with transaction.atomic():
                yield
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies

    def browse(self, client: Client, who: str, url: str) -> HttpResponse:
        """A GET that keeps its effects (the session a password-reset link opens), unless
        it failed: PostgreSQL would refuse every later query in the transaction."""
        with transaction.atomic():
            response = self.send(client, who, "get", url, where="crawl", value="as found")
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    def send(
        self,
        client: Client,
        who: str,
        method: str,
        url: str,
        data: Any = None,
        *,
        where: str,
        value: str,
        htmx: bool = False,
        **extra: Any,
    ) -> HttpResponse:
        """One request; a 500 or a hostile script in the answer is recorded."""
        headers = {"HX-Request": "true"} if htmx else {}
        self.requests += 1
        started = time.monotonic()
        if method == "post":
            self.posted.add(url_name(url))
        try:
            with deadline(SLOW_SECONDS):
                if method == "post":
                    response = client.post(
                        url, data if data is not None else {}, headers=headers, **extra
                    )
                else:
                    response = client.get(url, data, headers=headers, **extra)
        except TooSlow:  # raised outside the view, where Django did not turn it into a 500
            response = HttpResponse(status=599)
            response.exc_info = sys.exc_info()  # type: ignore[attr-defined]
        if TRACE:  # HOSTILE_SWEEP_TRACE=path: one line per request, to see where time goes
            with open(TRACE, "a") as out:
                elapsed = time.monotonic() - started
                out.write(
                    f"{elapsed:.3f} {response.status_code} {who} {method} {url[:100]} | {where} | {value}\n"
                )
        self.check(response, who, method.upper(), url, where, value)
        return response

    def check(
        self, response: HttpResponse, who: str, method: str, url: str, where: str, value: str
    ) -> None:
        info = getattr(response, "exc_info", None)
        if info and isinstance(info[1], TooSlow):
            kind, detail = "slow", last_lines(response)
        elif response.status_code >= 500:
            kind, detail = "500", last_lines(response)
        elif html_page(response) and hostile_in(response.content):
            kind, detail = "script", _around(response.content)
        else:
            return
        self.findings.append(
            Finding(kind, who, method, url, where, value, response.status_code, detail)
        )

    def follow(
        self, client: Client, who: str, response: HttpResponse, where: str, value: str
    ) -> HttpResponse | None:
        """The next page a browser would show after a redirect, checked the same way."""
        if response.status_code not in (301, 302, 303) or not response.get("Location"):
            return None
        target = response["Location"]
        parts = urlsplit(target)
        if parts.netloc not in ("", "testserver"):
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.send(client, who, "get", path, where=f"{where}, the page after", value=value)

    # --- Crawling ----------------------------------------------------------------------

    def crawl(self, client: Client, who: str, seeds: list[str]) -> list[html.Page]:
        queue, seen, shapes, pages = list(seeds), set(), {}, []
        while queue and len(pages) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen or SKIP_CRAWL.search(url):
                continue
            seen.add(url)
            key = shape(url)
            if shapes.get(key, 0) >= PER_SHAPE:
                continue
            shapes[key] = shapes.get(key, 0) + 1
            response = self.browse(client, who, url)
            if response.status_code in (301, 302, 303) and response.get("Location", "").startswith(
                "/"
            ):
                queue.insert(0, response["Location"])
                continue
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = html.read(url, response.content.decode("utf-8", "replace"))
            pages.append(page)
            queue.extend(link for link in page.links if link not in seen)
        self.pages[who] = [p.url for p in pages]
        return pages

    # --- Forms -------------------------------------------------------------------------

    def form_key(self, form: Form) -> tuple[Any, ...]:
        # Forms told apart by a hidden value (action=approve, kind=spend) or by their
        # address's words (/inbox/<id>/hide/) are different forms: each is swept.
        hidden = {
            (c.name, c.value)
            for c in form.controls
            if c.kind == "hidden" and c.name != CSRF and DISPATCH.match(c.value)
        }
        return (
            shape(form.action).split("?")[0],
            tuple(sorted(hidden)),
            form.method,
            form.htmx,
            tuple(sorted({family(n) for n in form.names()})),
            tuple(sorted({(family(b), family(v)) for b, v in form.buttons})),
        )

    def forms_of(self, who: str, pages: list[html.Page]) -> list[Form]:
        """The forms these pages show that nobody has swept yet (one of each)."""
        fresh = []
        for page in pages:
            for form in page.forms:
                key = self.form_key(form)
                self.seen_by.setdefault(key, set()).add(who)
                if key not in self.forms:
                    self.forms[key] = form
                    self.first_seen_by[key] = who
                    fresh.append(form)
        return fresh

    def submit(
        self,
        client: Client,
        who: str,
        form: Form,
        data: dict[str, list[Any]],
        *,
        where: str,
        value: str,
        check_kept: str | None = None,
        look_back: bool = False,
    ) -> None:
        """Submit `data` as `form` would, in isolation; follow a redirect; check the answer."""
        url, method = form.action, form.method
        with self.isolated(client):
            if method == "get":
                query = urlencode([(k, v) for k, vs in data.items() for v in vs])
                base = url.split("?", 1)[0]
                response = self.send(
                    client, who, "get", f"{base}?{query}", where=where, value=value, htmx=form.htmx
                )
            else:
                payload = {k: (vs if len(vs) != 1 else vs[0]) for k, vs in data.items()}
                response = self.send(
                    client, who, "post", url, payload, where=where, value=value, htmx=form.htmx
                )
            following = self.follow(client, who, response, where, value)
            shown_again = response.status_code == 200 and html_page(response)
            if check_kept is not None and shown_again and method == "post" and not form.htmx:
                self.check_kept(who, form, data, check_kept, response, where, value)
            if look_back and (
                following is None or following.request["PATH_INFO"] != form.page.split("?")[0]
            ):
                # Where the value is stored and listed: the page the form was on.
                where = f"{where}, the form's page afterwards"
                self.send(client, who, "get", form.page, where=where, value=value)
            if look_back:
                for page in self.pages_after(form):
                    self.send(client, who, "get", page, where=f"{where}, then {page}", value=value)

    def check_kept(
        self,
        who: str,
        form: Form,
        data: dict[str, list[Any]],
        hostile_name: str,
        response: HttpResponse,
        where: str,
        value: str,
    ) -> None:
        """A form shown again (with an error) must carry what the person typed in its
        other fields: each typed value, as HTML escapes it, is in the page."""
        if hostile_name and form.kinds(hostile_name) <= {"hidden"}:
            return  # a hidden field changed by hand: no person typed the rest to lose
        text = response.content.decode("utf-8", "replace")
        if hostile_name and f'name="{hostile_name}"' not in text:
            return  # another page, not the form again
        lost = []
        for name in form.names():
            kinds = form.kinds(name)
            if name in (hostile_name, CSRF) or not kinds & TYPED or "password" in kinds:
                continue
            for sent in data.get(name, []):
                if isinstance(sent, str) and sent.strip() and escape(_norm(sent)) not in text:
                    lost.append(f"{name}: {sent[:40]!r}")
        if lost:
            self.findings.append(
                Finding(
                    "input lost", who, "POST", form.action, where, value, response.status_code,
                    "not shown again: " + "; ".join(lost),
                )
            )  # fmt: skip

    def sweep_form(self, client: Client, who: str, form: Form) -> None:
        """The form as found, then each field with each hostile value, the others as found
        (an empty field the person would type in gets a plausible value: see `filled`)."""
        label = f"form {form_label(form)}"
        self.submit(
            client, who, form, self.with_files(form, form.data()), where=label, value="as found"
        )
        self.submit(
            client, who, form, filled(form), where=label, value="plausible values", check_kept=""
        )
        for button in form.buttons[1:]:
            self.submit(
                client,
                who,
                form,
                filled(form, button),
                where=f"{label} button {button[0]}={button[1]}",
                value="plausible values",
            )
        for name in form.names():
            # The same field of the same address was swept already (another post's
            # composer, with another set of networks): once is enough.
            done = (shape(form.action).split("?")[0] + str(form.htmx), family(name))
            if name == CSRF or done in self.swept:
                continue
            self.swept.add(done)
            kinds = form.kinds(name)
            if "file" in kinds:
                self.sweep_file(client, who, form, name, label)
                continue
            candidates = values.one_by_one(kinds)
            candidates += [("another workspace's id", v) for v in self.foreign_ids(form, name)]
            for text, hostile in candidates:
                data = filled(form)
                data[name] = [hostile]
                self.submit(
                    client,
                    who,
                    form,
                    self.with_files(form, data),
                    where=f"{label} field {name}",
                    value=text,
                    check_kept=name,
                    look_back=text == "HTML and script",
                )
        for text, kinds, hostile in values.all_at_once():
            names = [n for n in form.names() if n != CSRF and form.kinds(n) & kinds]
            if not names:
                continue
            data = filled(form)
            for name in names:
                data[name] = [hostile]
            where = f"{label} fields {', '.join(names[:6])}{'...' if len(names) > 6 else ''}"
            self.submit(client, who, form, self.with_files(form, data), where=where, value=text)

    def with_files(self, form: Form, data: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """A form with a file input keeps a harmless file there while other fields vary."""
        for control in form.controls:
            if control.kind == "file" and control.name not in data:
                data[control.name] = [SimpleUploadedFile("ok.txt", b"id,date\n", "text/plain")]
        return data

    def sweep_file(self, client: Client, who: str, form: Form, name: str, label: str) -> None:
        files = self.files_for(form)
        for hostile in files:
            data = filled(form)
            data[name] = [SimpleUploadedFile(hostile.name, hostile.content, hostile.content_type)]
            self.submit(
                client,
                who,
                form,
                data,
                where=f"{label} file {name}",
                value=hostile.label,
                look_back=True,
            )

    files_for: Callable[[Form], list[values.HostileFile]] = lambda form: values.media_files()
    # Where what a form stored is read again, besides its own page (an import's posts).
    pages_after: Callable[[Form], list[str]] = lambda form: []

    def replay(self, client: Client, who: str, form: Form) -> None:
        """Another person sends a form they may not have been shown: refused, never 500."""
        self.submit(
            client,
            who,
            form,
            self.with_files(form, form.data()),
            where=f"form {form_label(form)} (seen by {self.first_seen_by[self.form_key(form)]})",
            value="as found",
        )

    def fuzz_link(self, client: Client, who: str, url: str) -> None:
        """Each query parameter of a link, replaced by each value a hand-typed address can hold."""
        if shape(url) in self.fuzzed:
            return
        self.fuzzed.add(shape(url))
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        for index, (name, _old) in enumerate(params):
            for text, hostile in LINK_VALUES:
                changed = list(params)
                changed[index] = (name, hostile)
                target = parts.path + "?" + urlencode(changed)
                with self.isolated(client):
                    self.send(
                        client, who, "get", target, where=f"link parameter {name}", value=text
                    )


LINK_VALUES = [
    ("a 23-digit number", "12345678901234567890123"),
    ("abc", "abc"),
    ("NUL byte", "a\x00b"),
    ("HTML and script", values.SCRIPT),
    ("year 1", "0001-01-01"),
    ("10 KB", "9" * 10_000),
]


# What a person would type in an empty field, by the field's name, then by its kind.
PLAUSIBLE_BY_NAME = [
    ("email", "marie.dupont@example.com"),
    ("timezone", "Europe/Paris"),
    ("time_slots", "mon 09:00, sat 10:00"),
    ("destination", "https://boulangerie-lumiere.example/atelier"),
    ("service", "https://bsky.social"),
    ("handle", "lumiere.bsky.social"),
    ("instance", "piaille.fr"),
    ("code", "123456"),
    ("password", "Une phrase de passe 2026"),
    ("keywords", "commande, livraison"),
    ("tags", "pain, atelier"),
]
PLAUSIBLE_BY_KIND = {
    "number": "3",
    "date": "2030-01-15",
    "datetime-local": "2030-01-15T10:30",
    "time": "10:30",
    "url": "https://example.com/page",
    "email": "marie.dupont@example.com",
    "textarea": "Bonjour, voici un texte ordinaire.",
}


def filled(form: Form, button: tuple[str, str] | None = None) -> dict[str, list[Any]]:
    """The form as found, its empty typed fields given what a person would plausibly type
    there, so that one hostile field is the only thing wrong with the submission."""
    data = form.data(button)
    for name in form.names():
        kinds = form.kinds(name)
        if not kinds & (TYPED | {"password"}) or any(v for v in data.get(name, [])):
            continue
        kind = next(iter(kinds))
        value = next((v for key, v in PLAUSIBLE_BY_NAME if key in name), None)
        data[name] = [value or PLAUSIBLE_BY_KIND.get(kind, "Marie")]
    for control in form.controls:
        if control.kind == "file" and control.name not in data:
            data[control.name] = [SimpleUploadedFile("ok.txt", b"id,date\n", "text/plain")]
    return data


NETWORK = re.compile(r"(^|-)(x|mastodon|bluesky|threads|linkedin|facebook|instagram)(-|$)")


def family(name: str) -> str:
    """The composer repeats one variant form per network (x-text, mastodon-text, split-x):
    one of each is enough, the others are the same code under another prefix."""
    return NETWORK.sub(r"\1<network>\3", name)


def form_label(form: Form) -> str:
    name = url_name(form.action) or form.action
    extra = " (htmx)" if form.htmx else ""
    return f"{name}{extra} [{form.method.upper()}]"


def _norm(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def _short(items: list[str]) -> str:
    return "[" + ", ".join(repr(i[:40]) for i in items[:4]) + "]"


def _around(content: bytes) -> str:
    text = content.decode("utf-8", "replace")
    for marker in values.SCRIPT_MARKERS:
        at = text.find(marker)
        if at >= 0:
            return repr(text[max(0, at - 120) : at + 60])
    return ""
