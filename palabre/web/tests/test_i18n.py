from __future__ import annotations

from pathlib import Path

import polib

import palabre

CATALOGUE = Path(palabre.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_the_french_catalogue_is_complete() -> None:
    po = polib.pofile(str(CATALOGUE))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_is_up_to_date() -> None:
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    # Keyed by context and text: "Comment" the verb and "Comment" the thing are two entries.
    source = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(str(CATALOGUE))
        if not e.msgid_plural and e.msgid
    }
    assert {
        (e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural and e.msgid
    } == source


def test_every_translation_keeps_its_placeholders() -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    for entry in polib.pofile(str(CATALOGUE)):
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = set(placeholder.findall(entry.msgid + entry.msgid_plural))
        for text in translations:
            assert set(placeholder.findall(text)) <= expected, entry.msgid
            assert not (expected - set(placeholder.findall(text))) or entry.msgid_plural, (
                entry.msgid
            )


def test_french_punctuation_is_kept_on_its_line() -> None:
    """French puts a space before : ; ! ? » % and after «; a plain one lets the line break
    there and leave the sign alone at the start of the next line: it must be a no-break
    space (U+00A0; the PDF's font has no narrow one)."""
    import re

    loose = re.compile(r" [;:!?»]| %(?![(sd])|« ")  # "%(name)s", "%s": placeholders
    for entry in polib.pofile(str(CATALOGUE)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert not loose.search(text), entry.msgid


def test_french_apostrophes_are_typographic() -> None:
    """One apostrophe throughout (’, as most of the catalogue had it), not a mix with the
    typewriter's ' that a quick translation brings."""
    import re

    straight = re.compile(r"\w'\w")
    for entry in polib.pofile(str(CATALOGUE)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert not straight.search(text), entry.msgid


def test_notices_reach_each_person_in_their_own_language(cast) -> None:
    from palabre.publishing import workflow
    from palabre.publishing.models import Notice
    from palabre.publishing.services import post_create

    cast.anna.language = "en"
    cast.anna.save()
    post = post_create(
        workspace=cast.workspace, author=cast.erin, idea="Pain", category="helpful", networks=["x"]
    )
    workflow.post_submit(post=post, actor=cast.erin)
    assert Notice.objects.get(user=cast.anna).text == "A post waits for your approval: “Pain”."
