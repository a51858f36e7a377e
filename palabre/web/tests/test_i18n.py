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
    source = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE)) if not e.msgid_plural}
    assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural and e.msgid} == {
        k: v for k, v in source.items() if k
    }
