"""Every page of the demo in English and in French: no interface string of the other
language on it. The interface strings are the catalogue's (English msgids, French
translations); user content (marked .ugc), text marked with its own `lang`, and words spelt
the same in both languages are left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client

import palabre
from palabre.accounts.models import User
from tests.layout import DEMO_PEOPLE, PAGES, demo_ids

CATALOGUE = Path(palabre.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
SKIPPED = {"script", "style", "code", "pre", "textarea", "svg"}
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Words the catalogue translates somewhere but that read the same in both languages.
SPELT_THE_SAME = {"Public", "Active", "Notifications", "Message", "Messages", "Date", "Type"}


class _Texts(HTMLParser):
    """The page's interface texts: text nodes and the attributes people read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content left out?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        left_out = (
            (bool(self._stack) and self._stack[-1])
            or tag in SKIPPED
            or "ugc" in (named.get("class") or "").split()
            or (named.get("lang") is not None and tag != "html")
        )
        if not left_out:
            self.found += [v.strip() for k, v in attrs if k in ATTRIBUTES and v and v.strip()]
        if tag not in VOID:
            self._stack.append(left_out)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1]) and data.strip():
            self.found.append(" ".join(data.split()))


def texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.found


def _pattern(text: str) -> re.Pattern[str] | None:
    """A whole text node equal to `text` (its placeholders standing for anything), or None
    when too little of it is words to tell the languages apart."""
    fixed = re.sub(r"%\(\w+\)[sd]|%[sd]", "", text)
    if len(re.findall(r"[^\W\d_]", fixed)) < 5:
        return None
    parts = re.split(r"%\(\w+\)[sd]|%[sd]", " ".join(text.split()))
    return re.compile(".+?".join(re.escape(p) for p in parts))


def _strings() -> dict[str, list[re.Pattern[str]]]:
    """language → the patterns of the OTHER language's interface strings."""
    english, french = set(), set()
    for entry in polib.pofile(str(CATALOGUE)):
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, ""))]
            pairs.append((entry.msgid_plural, entry.msgstr_plural.get(1, "")))
        for en, fr in pairs:
            if en and fr and en != fr:
                english.add(en)
                french.add(fr)
    both = (english & french) | SPELT_THE_SAME  # spelt the same in both languages
    return {
        "fr": [p for s in english - both if (p := _pattern(s))],
        "en": [p for s in french - both if (p := _pattern(s))],
    }


def _foreign(html: str, patterns: list[re.Pattern[str]]) -> set[str]:
    return {text for text in texts(html) for p in patterns if p.fullmatch(text)}


@pytest.mark.django_db
def test_every_page_speaks_only_its_readers_language() -> None:
    call_command("demo", stdout=StringIO())
    ids = demo_ids()
    other = _strings()
    problems: dict[str, set[str]] = {}
    for role, email in DEMO_PEOPLE.items():
        user = User.objects.get(email=email)
        for language in ("en", "fr"):
            user.language = language
            user.save(update_fields=["language"])
            client = Client()
            client.force_login(user)
            for path in [*PAGES, "/w/{slug}/notices/"]:
                response = client.get(path.format(**ids))
                if response.status_code == 403:
                    continue
                assert response.status_code == 200, (role, path, response.status_code)
                found = _foreign(response.content.decode(), other[language])
                if found:
                    problems[f"{language} {role} {path}"] = found
    assert problems == {}


def test_the_reader_finds_foreign_text_nodes_and_leaves_user_content_alone() -> None:
    page = (
        '<p>Brouillons</p><p class="ugc">Save the draft</p>'
        '<button lang="en">English</button><p title="Save the draft">x</p>'
    )
    assert texts(page) == ["Brouillons", "Save the draft", "x"]
    assert _pattern("Waiting %(time)s here").fullmatch("Waiting 3 h here")  # type: ignore[union-attr]
    assert _pattern("OK") is None


@pytest.mark.django_db
def test_every_email_speaks_only_its_readers_language() -> None:
    """A post waiting for approval (a notice by e-mail) and the monthly report, to the
    approver reading English, then French."""
    from datetime import date

    from django.core import mail

    from palabre.accounts.models import Workspace
    from palabre.analytics.report import report_email
    from palabre.publishing.models import Post
    from palabre.publishing.notices import notice_send

    call_command("demo", stdout=StringIO())
    other = _strings()
    workspace = Workspace.objects.get(slug=demo_ids()["slug"])
    approver = User.objects.get(email=DEMO_PEOPLE["approver"])
    editor = User.objects.get(email=DEMO_PEOPLE["editor"])
    WAITS_FOR_APPROVAL = "A post waits for your approval: “%(idea)s”."
    problems: dict[str, set[str]] = {}
    for language in ("en", "fr"):
        for person in (approver, editor):
            person.language = language
            person.save(update_fields=["language"])
        mail.outbox.clear()
        post = Post.objects.filter(workspace=workspace).first()
        assert post is not None
        notice_send(  # what post_submit sends the approver, by e-mail
            workspace=workspace,
            user=approver,
            message=WAITS_FOR_APPROVAL,
            params={"idea": post.idea},
            url=f"/w/{workspace.slug}/posts/{post.pk}/review/",
            post=post,
        )
        report_email(workspace=workspace, month=date(2026, 11, 1), user=approver)
        assert len(mail.outbox) >= 2
        said = {"en": "waits for your approval", "fr": "attend votre validation"}[language]
        assert any(said in m.subject + m.body for m in mail.outbox), language
        for message in mail.outbox:
            lines = [message.subject, *message.body.splitlines()]
            found = {
                line.strip() for line in lines for p in other[language] if p.fullmatch(line.strip())
            }
            found |= {
                part.strip()
                for line in lines
                for part in line.split(":")
                for p in other[language]
                if part.strip() and p.fullmatch(part.strip())
            }
            if found:
                problems[f"{language} {message.subject}"] = found
    assert problems == {}
