"""The fold in SQL is the fold in Python: a search folds what is typed in Python and what
is stored in the database, and the two must meet on every database."""

from __future__ import annotations

import unicodedata

from palabre.inbox.models import Contact
from palabre.lib.folded_sql import Folded
from palabre.lib.folding import fold

WRITTEN = [
    "Crème BRÛLÉE",
    "ŒUF et cœur, Æther",
    "L’atelier d’Hélène",
    unicodedata.normalize("NFD", "Lumière à Noël"),  # letters and combining marks apart
    "ÇA ÎLE ÿ ñ Ø ß",
    "plain ascii 123 #levain",
    "🥐 émoji",
    "NGUYỄN Thị Ánh",
    "МОСКВА",  # no accent to fold: lower case only where the database lowers it
]


def test_the_database_folds_as_python_does(cast) -> None:
    for text in WRITTEN:
        contact = Contact.objects.create(workspace=cast.workspace, name=text)
        rows = Contact.objects.filter(pk=contact.pk).annotate(folded=Folded("name"))
        in_sql = rows.values_list("folded", flat=True).get()
        # Accents gone as in Python. Case too, except where the database's collation lowers
        # ASCII only (C): the search then finds those capitals as typed (word_found's
        # case-blind match), not through the fold.
        assert in_sql.lower() == fold(text), text


def test_fold_drops_case_and_accents_and_keeps_the_rest() -> None:
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert fold("ŒUF et cœur") == "oeuf et coeur"
    assert fold("L’atelier") == "l'atelier"
    assert fold(unicodedata.normalize("NFD", "Noël")) == "noel"
    assert fold("🥐 #levain 42") == "🥐 #levain 42"


def test_a_word_is_found_past_accents_never_by_a_wildcard(cast) -> None:
    """The fold is read only where a cheap LIKE let the row through; what is typed is never
    a wildcard ("%" found every name, "_" any letter)."""
    from palabre.lib.folded_sql import folded, word_found

    names = ["Crème brûlée", "Crime parfait", "ŒUF frais", "100% pur beurre", "L’atelier"]
    for name in names:
        Contact.objects.create(workspace=cast.workspace, name=name)
    rows = Contact.objects.filter(workspace=cast.workspace).alias(**folded("name"))

    def found(word: str) -> list[str]:
        return sorted(rows.filter(word_found("name", word)).values_list("name", flat=True))

    assert found("creme") == ["Crème brûlée"]  # not "Crime", which the LIKE let through
    assert found("oeuf") == ["ŒUF frais"]
    assert found("l'atelier") == ["L’atelier"]
    assert found("100%") == ["100% pur beurre"] and found("%") == ["100% pur beurre"]
    assert found("_") == []
