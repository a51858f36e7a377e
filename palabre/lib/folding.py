"""Text folded for searching: case and accents gone ("Crème", "CREME" and "creme" are one
word), so that what a person types finds what people wrote however either was spelled.
Plain Python; `palabre.lib.wordsearch` finds a folded word in the database."""

from __future__ import annotations

import unicodedata


def _fold_table() -> dict[int, str | None]:
    """Each accented Latin letter to its base letters, built once (str.translate is C)."""
    table: dict[int, str | None] = {
        ord("’"): "'",
        ord("œ"): "oe",
        ord("Œ"): "oe",
        ord("æ"): "ae",
        ord("Æ"): "ae",
        ord("ß"): "ss",  # "strasse" finds "Straße", as German writes it without the letter
        ord("ẞ"): "ss",
    }
    # Accents written as a letter and a combining mark (decomposed text, as some phones and
    # macOS send it): the mark goes, or "lumière" would be read as "lumie" and "re".
    for code in range(0x0300, 0x0370):
        table[code] = None
    # Latin-1, Extended-A and B, and Extended Additional (Vietnamese: "Nguyễn").
    # A ligature is its letters ("Ĳsselmeer" is "ijsselmeer", "ǅuro" is "dzuro").
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        if code in table:
            continue
        parts = unicodedata.normalize("NFKD", chr(code))
        letters = "".join(c for c in parts if not unicodedata.combining(c))
        if not (letters.isascii() and letters.isalpha()):
            letters = parts[:1]  # "Ŀ" is "L" and a middle dot: its letter
        if letters.isascii() and letters.isalpha() and letters != chr(code):
            table[code] = letters
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    return text.translate(FOLD).lower()
