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
]


def test_the_database_folds_as_python_does(cast) -> None:
    for text in WRITTEN:
        contact = Contact.objects.create(workspace=cast.workspace, name=text)
        rows = Contact.objects.filter(pk=contact.pk).annotate(folded=Folded("name"))
        assert rows.values_list("folded", flat=True).get() == fold(text), text


def test_fold_drops_case_and_accents_and_keeps_the_rest() -> None:
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert fold("ŒUF et cœur") == "oeuf et coeur"
    assert fold("L’atelier") == "l'atelier"
    assert fold(unicodedata.normalize("NFD", "Noël")) == "noel"
    assert fold("🥐 #levain 42") == "🥐 #levain 42"
