"""Forms and links as a browser reads them, with the standard library's HTML parser.

Enough of the HTML form model for the sweep: inputs, textareas, selects, named submit
buttons, controls tied to a form by `form="id"`, htmx's `hx-post`, and the addresses
scripts post to, which no <form> carries: the calendar's drag-and-drop (`data-move-url`)
and the composer's "Add a photo" (`data-media-add`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Input types whose value is typed by the person (kept and redisplayed after an error).
TYPED = {"text", "textarea", "search", "email", "url", "tel", "number", "date", "time"}
TYPED |= {"datetime-local", "month", "week", "color", "range"}
BUTTONS = {"submit", "image", "button", "reset"}


@dataclass
class Control:
    name: str
    kind: str  # an <input> type, or "textarea" / "select"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    multiple: bool = False
    owner: str = ""  # the form="id" attribute, if any
    disabled: bool = False  # shown read-only: a browser neither sends it nor lets one type


@dataclass
class Form:
    page: str  # the page it was found on
    action: str  # absolute path with its query
    method: str  # "get" or "post"
    enctype: str = ""
    id: str = ""
    controls: list[Control] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    htmx: bool = False  # an hx-post address: sent with the HX-Request header
    extra: dict[str, str] = field(default_factory=dict)  # fixed values (synthetic forms)

    def names(self) -> list[str]:
        seen: dict[str, None] = {}
        for control in self.controls:
            if control.kind not in BUTTONS:
                seen.setdefault(control.name, None)
        return list(seen)

    def data(self, button: tuple[str, str] | None = None) -> dict[str, list[str]]:
        """What a browser sends for this form as found (its current values)."""
        out: dict[str, list[str]] = {k: [v] for k, v in self.extra.items()}
        for control in self.controls:
            values = _submitted(control)
            if values is not None:
                out.setdefault(control.name, []).extend(values)
        if button is None and self.buttons:
            button = self.buttons[0]
        if button is not None:
            out.setdefault(button[0], []).append(button[1])
        return out

    def control(self, name: str) -> Control:
        return next(c for c in self.controls if c.name == name)

    def kinds(self, name: str) -> set[str]:
        return {c.kind for c in self.controls if c.name == name}


def _submitted(control: Control) -> list[str] | None:
    if not control.name or control.kind in BUTTONS or control.kind == "file":
        return None
    if control.kind in ("checkbox", "radio"):
        return [control.value or "on"] if control.checked else None
    if control.kind == "select":
        chosen = [v for v, selected in control.options if selected]
        if not chosen and control.options and not control.multiple:
            chosen = [control.options[0][0]]
        return chosen
    return [control.value]


@dataclass
class Page:
    url: str
    links: list[str]
    forms: list[Form]


class _Reader(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.loose: list[Control] = []  # controls outside any form (form="id" or none)
        self.loose_buttons: list[tuple[str, tuple[str, str]]] = []
        self.current: Form | None = None
        self.textarea: Control | None = None
        self.select: Control | None = None
        self.option: list[str] | None = None  # [value or None marker, text, selected]

    def _absolute(self, href: str) -> str | None:
        target = urljoin(self.url, href)
        parts = urlsplit(target)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            link = self._absolute(a["href"])
            if link and not a.get("download") and "download" not in a:
                self.links.append(link)
        elif tag == "form":
            self._open_form(a)
        elif tag == "input":
            self._input(a)
        elif tag == "button":
            self._button(a)
        elif tag == "textarea":
            self.textarea = Control(
                a.get("name", ""), "textarea", owner=a.get("form", ""), disabled="disabled" in a
            )
        elif tag == "select":
            self.select = Control(
                a.get("name", ""),
                "select",
                multiple="multiple" in a,
                owner=a.get("form", ""),
                disabled="disabled" in a,
            )
        elif tag == "option" and self.select is not None:
            self._close_option()
            self.option = [a.get("value", "\0none"), "", "selected" if "selected" in a else ""]
        elif tag == "table" and a.get("data-move-url"):
            self._move_form(a)
        elif a.get("data-media-add"):
            self._media_form(a)

    def _open_form(self, a: dict[str, str]) -> None:
        action = self._absolute(a.get("action") or self.url) or self.url
        method = (a.get("method") or "get").lower()
        hx = a.get("hx-post")
        self.current = Form(self.url, action, method, a.get("enctype", ""), a.get("id", ""))
        self.forms.append(self.current)
        if hx:  # the same controls, sent to the htmx address
            link = self._absolute(hx)
            if link:
                twin = Form(self.url, link, "post", id=a.get("id", ""), htmx=True)
                self.forms.append(twin)
                self.current.extra["\0twin"] = str(len(self.forms) - 1)

    def _input(self, a: dict[str, str]) -> None:
        kind = (a.get("type") or "text").lower()
        if kind in BUTTONS:
            self._button(a | {"type": kind})
            return
        control = Control(
            a.get("name", ""),
            kind,
            a.get("value", ""),
            checked="checked" in a,
            owner=a.get("form", ""),
            disabled="disabled" in a,
        )
        self._attach(control)

    def _button(self, a: dict[str, str]) -> None:
        if (a.get("type") or "submit").lower() != "submit" or not a.get("name"):
            return
        pair = (a["name"], a.get("value", ""))
        if a.get("form"):
            self.loose_buttons.append((a["form"], pair))
        elif self.current is not None:
            self.current.buttons.append(pair)

    def _attach(self, control: Control) -> None:
        if control.disabled or not control.name:  # a browser sends neither
            return
        if control.owner or self.current is None:
            self.loose.append(control)
        else:
            self.current.controls.append(control)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option[1] += data

    def _close_option(self) -> None:
        if self.option is not None and self.select is not None:
            value = self.option[1].strip() if self.option[0] == "\0none" else self.option[0]
            self.select.options.append((value, bool(self.option[2])))
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None:
            # The parser keeps the newline HTML drops right after <textarea>.
            self.textarea.value = self.textarea.value.removeprefix("\n")
            self._attach(self.textarea)
            self.textarea = None
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            self._attach(self.select)
            self.select = None

    def _move_form(self, a: dict[str, str]) -> None:
        """calendar.js posts {post, date, query} to data-move-url on a drop."""
        link = self._absolute(a["data-move-url"])
        if link:
            form = Form(self.url, link, "post", htmx=True)
            form.controls = [
                Control("post", "hidden", ""),
                Control("date", "date", ""),
                Control("query", "hidden", a.get("data-query", "")),
            ]
            form.extra["\0move"] = "1"
            self.forms.append(form)

    def _media_form(self, a: dict[str, str]) -> None:
        """compose.js posts {file, alt_text} to data-media-add (the composer's "Add a photo")."""
        link = self._absolute(a["data-media-add"])
        if link:
            form = Form(self.url, link, "post", "multipart/form-data")
            form.controls = [Control("file", "file"), Control("alt_text", "text")]
            self.forms.append(form)

    def finish(self) -> Page:
        by_id = {f.id: f for f in self.forms if f.id and not f.htmx}
        for control in self.loose:
            if control.owner in by_id:
                by_id[control.owner].controls.append(control)
        for owner, pair in self.loose_buttons:
            if owner in by_id:
                by_id[owner].buttons.append(pair)
        for form in self.forms:
            twin = form.extra.pop("\0twin", None)
            if twin is not None:
                self.forms[int(twin)].controls = form.controls
        return Page(self.url, self.links, self.forms)


def read(url: str, html: str) -> Page:
    reader = _Reader(url)
    reader.feed(html)
    reader.close()
    page = reader.finish()
    for form in page.forms:
        if "\0move" in form.extra:  # what a drop sends: the first post, onto the last day
            del form.extra["\0move"]
            posts = re.findall(r'data-post="(\d+)"', html)
            days = re.findall(r'data-date="([0-9-]+)"', html)
            form.controls[0].value = posts[0] if posts else ""
            form.controls[1].value = days[-1] if days else ""
    return page
