"""Words found as people type them: the fold in Python, and the same fold spelt as a regular
expression where the database matches (palabre.lib.wordsearch), on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata

from palabre.inbox.models import Contact
from palabre.lib.folding import fold
from palabre.lib.wordsearch import search_words, word_found, words_beyond

WRITTEN = {
    "Crème BRÛLÉE": ["creme", "brulee", "CRÈME", "rème"],
    "ŒUF et cœur, Æther": ["oeuf", "coeur", "aether", "œuf"],
    "L’atelier d’Hélène": ["l'atelier", "helene", "d’hélène"],
    unicodedata.normalize("NFD", "Lumière à Noël"): ["lumiere", "noel", "Noël"],
    "Jiří Dvořák, ŠKODA, Doğan": ["jiri", "dvorak", "skoda", "dogan", "Škoda"],
    "NGUYỄN Thị Ánh": ["nguyen", "thi", "anh"],
    "МОСКВА и Σοφός": ["москва", "Москва", "σοφός", "ΣΟΦΌΣ"],  # Latin accents only are folded
    "100% pur [beurre] (x)": ["100%", "[beurre]", "(x)"],
    "Tom ẞTRASSE, Straße": ["ẞTRASSE", "straße", "STRAẞE", "ßtrasse", "strasse"],
    "Strauß Müller": ["strauss", "STRAUSS", "Strauß", "muller"],
    "Ĳsselmeer Jansen": ["ijsselmeer", "IJsselmeer", "Ĳssel"],  # a ligature is its letters
    "ǅuro ǈubica": ["dzuro", "ljubica"],
}


def _found(word: str) -> list[str]:
    rows = Contact.objects.filter(word_found("name", word))
    return sorted(rows.values_list("name", flat=True))


def test_a_word_is_found_however_it_is_typed_and_written(cast) -> None:
    for name in WRITTEN:
        Contact.objects.create(workspace=cast.workspace, name=name)
    for name, typed in WRITTEN.items():
        for word in typed:
            assert _found(word) == [name], (name, word)
    assert _found("crime") == [] and _found("oeufs") == []
    assert _found("_") == [] and _found(".*") == [] and _found("%") == ["100% pur [beurre] (x)"]


def test_a_lone_accent_is_no_word() -> None:
    """It folded to nothing, and nothing is in every row: the whole list came back."""
    assert search_words("\u0301 pain \u0300") == ["pain"]
    assert len(search_words(" ".join(f"w{n}" for n in range(20)))) == 8


def test_fold_drops_case_and_accents_and_keeps_the_rest() -> None:
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert fold("ŒUF et cœur") == "oeuf et coeur"
    assert fold("L’atelier") == "l'atelier"
    assert fold(unicodedata.normalize("NFD", "Noël")) == "noel"
    assert fold("Nguyễn") == "nguyen"
    assert fold("Straße ẞ Ĳ ǅ") == "strasse ss ij dz"
    assert fold("🥐 #levain 42") == "🥐 #levain 42"


def test_invisible_characters_and_repeated_words_make_no_search_word() -> None:
    """A zero-width space or a byte-order mark pasted with a name made a word that found
    nobody; a word typed twice was counted twice against the bound (an attack)."""
    assert search_words("kaci \ufeff \u200b") == ["kaci"]
    assert search_words("ka\u200bci") == ["kaci"]
    assert search_words("lea \u0483 \u00ad LÉA lea kaci") == ["lea", "kaci"]
    assert words_beyond("a b c d e f g h a b i") == ["i"]
