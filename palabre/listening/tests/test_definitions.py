"""What a person types into a search, read as terms, and every reason it is refused, in
their words (definitions.py, words.py)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from django.utils import translation

from palabre.listening.definitions import (
    LONGEST_TERM,
    MOST_TERMS,
    MOST_WORDS,
    DefinitionError,
    Term,
    terms_read,
)
from palabre.listening.words import fold, read


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def one(typed: str) -> Term:
    (term,) = terms_read(typed, required=True)
    return term


def refusal(typed: str, *, required: bool = True) -> str:
    with pytest.raises(DefinitionError) as refused:
        terms_read(typed, required=required)
    return str(refused.value)


# --- Reading text -------------------------------------------------------------------------


def test_accents_and_case_are_folded() -> None:
    assert fold("Boulangerie LUMIÈRE, Œuvre, Æther") == "boulangerie lumiere, oeuvre, aether"
    assert read("Lumière").words == read("LUMIERE").words == read("lumiere").words == ("lumiere",)


def test_decomposed_accents_read_as_one_word() -> None:
    # macOS and some phones send "è" as "e" and a combining grave accent.
    decomposed = unicodedata.normalize("NFD", "Boulangerie Lumière")
    assert decomposed != "Boulangerie Lumière"
    assert read(decomposed).words == ("boulangerie", "lumiere")
    assert one(decomposed).words == ("boulangerie", "lumiere")


def test_a_post_is_read_as_words_and_hashtags() -> None:
    post = read("Le #Levain de l’atelier, enfin ! 🥖 lumiere.fr")
    assert post.words == ("le", "levain", "de", "l", "atelier", "enfin", "lumiere", "fr")
    assert post.hashtags == {"#levain"}
    assert post.vocabulary == set(post.words) | {"#levain"}
    assert " l atelier " in post.joined


# --- Terms --------------------------------------------------------------------------------


def test_a_word_is_matched_folded_and_sent_as_written() -> None:
    term = one("Lumière")
    assert term == Term(text="Lumière", words=("lumiere",), spellings=("lumière",))
    assert term.found_in(read("LUMIERE")) and term.found_in(read("lumière"))
    # A network may not fold accents: sent in lower case with them. Both spellings written,
    # both are sent (one term for matching, two queries).
    assert term.query == "lumière"
    both = terms_read("Lumière\nlumiere\nLUMIÈRE", required=True)
    assert [t.query for t in both] == ["lumière", "lumiere"]
    assert one("#Lumière").query == "#lumière"
    assert one("Boulangerie Lumière").query == "boulangerie"
    # Decomposed accents (a letter, then a combining mark) are sent composed.
    assert one("Lumie\u0300re").query == "lumière"


def test_several_words_are_all_of_them_in_any_order() -> None:
    term = one("pain levain Lyon")
    assert term.words == ("pain", "levain", "lyon") and not term.phrase
    assert term.found_in(read("À Lyon, du levain dans le pain"))
    assert not term.found_in(read("Du pain à Lyon"))
    # Sent to a network: one word (the longest, usually the rarest), the rest checked here.
    assert term.query == "levain"


def test_quotes_make_an_exact_phrase() -> None:
    for typed in ('"pain au levain"', "“pain au levain”", "« pain au levain »"):
        term = one(typed)
        assert term.phrase and term.words == ("pain", "au", "levain"), typed
        assert term.text == "pain au levain"
    term = one('"pain au levain"')
    assert term.found_in(read("Le meilleur Pain au Levain de Lyon"))
    assert not term.found_in(read("Le meilleur pain de levain de Lyon"))
    assert not term.found_in(read("du levain au pain"))


def test_a_quoted_word_is_the_word() -> None:
    assert one('"levain"') == Term(text="levain", words=("levain",), spellings=("levain",))
    assert len(terms_read('"levain"\nlevain\nLEVAIN', required=True)) == 1


def test_words_joined_by_punctuation_are_a_phrase() -> None:
    atelier = one("l'atelier")
    assert atelier.phrase and atelier.words == ("l", "atelier")
    assert atelier.found_in(read("Rendez-vous à l’Atelier ce soir"))
    assert not atelier.found_in(read("L'autre atelier"))
    site = one("lumiere.fr")
    assert site.phrase and site.found_in(read("Commandez sur https://lumiere.fr/levain"))
    assert not site.found_in(read("Lumière en fr, pas en anglais"))


def test_a_word_finds_its_hashtag_a_hashtag_only_the_hashtag() -> None:
    word, hashtag = one("levain"), one("#Levain")
    assert hashtag.hashtag == "#levain" and hashtag.query == "#levain"
    tagged, plain = read("Fournée du jour #levain"), read("Fournée du jour au levain")
    assert word.found_in(tagged) and word.found_in(plain)
    assert hashtag.found_in(tagged) and not hashtag.found_in(plain)
    # The brand's hashtag, written with accents, is the same hashtag.
    assert one("#BoulangerieLumière").found_in(read("Merci #boulangerielumiere !"))


def test_a_hashtag_with_punctuation_is_read_as_its_words() -> None:
    # A post's "#l'atelier" is the hashtag "#l": the term looks for the words instead.
    term = one("#l'atelier")
    assert not term.hashtag and term.phrase and term.words == ("l", "atelier")
    assert term.found_in(read("Ce soir #l'atelier"))


def test_lines_commas_and_semicolons_separate_terms_repeats_dropped() -> None:
    terms = terms_read(
        "Boulangerie Lumière\nboulangerie lumiere, #boulangerielumiere;\n\n  BOULANGERIE LUMIERE ",
        required=True,
    )
    assert [t.text for t in terms] == ["Boulangerie Lumière", "#boulangerielumiere"]


def test_exclusions_may_be_empty() -> None:
    assert terms_read("", required=False) == ()
    assert terms_read(" \n , ", required=False) == ()


def test_hyphens_and_apostrophes_inside_words_are_not_patterns() -> None:
    assert one("Saint-Étienne").words == ("saint", "etienne")
    assert one("pain - levain").words == ("pain", "levain")
    assert one("aujourd'hui").phrase


# --- Refusals -----------------------------------------------------------------------------


def test_empty_is_refused() -> None:
    for typed in ("", "   ", "\n,\n;"):
        assert refusal(typed) == "Give at least one word, phrase or hashtag to look for."


def test_ten_thousand_terms_are_refused() -> None:
    typed = "\n".join(f"mot{n}" for n in range(10_000))
    assert refusal(typed) == "10000 terms is too many: at most 50 per list."
    assert refusal(typed, required=False) == "10000 terms is too many: at most 50 per list."
    assert len(terms_read("\n".join(f"mot{n}" for n in range(MOST_TERMS)), required=True)) == 50
    assert "51 terms is too many" in refusal("\n".join(f"mot{n}" for n in range(MOST_TERMS + 1)))


def test_a_too_long_term_is_refused() -> None:
    longest = "levain" + "s" * (LONGEST_TERM - 6)
    assert one(longest).words == (longest,)
    assert refusal(longest + "s") == (
        f"“{longest[:30]}…” is too long: at most 100 characters per term."
    )


def test_too_many_words_are_refused() -> None:
    ten = " ".join(["pain"] * MOST_WORDS)
    assert len(one(ten).words) == 10
    assert refusal(ten + " levain") == (
        f"“{(ten + ' levain')[:30]}” has too many words: at most 10 per term."
    )


@pytest.mark.parametrize(
    "typed",
    ["levain.*", "/levain/", "[ab]", "a|b", "lev?in", "(pain)", "^pain"],
)
def test_patterns_are_refused(typed: str) -> None:
    assert refusal(typed) == (
        f"“{typed}” looks like a pattern. Palabre looks for words, phrases and hashtags as they "
        "are written: list each form you want (levain, levains)."
    )


def test_a_pattern_is_refused_in_quotes_and_in_exclusions() -> None:
    assert "looks like a pattern" in refusal('"-levain"')
    assert "looks like a pattern" in refusal("promo\nconcours*", required=False)


@pytest.mark.parametrize("typed", ["!!!", "🥖", "#", "…", "🥖🥐 !"])
def test_a_term_with_no_word_is_refused(typed: str) -> None:
    assert refusal(typed) == f"“{typed}” has no word to look for."


def test_the_first_thing_wrong_is_named() -> None:
    assert refusal("levain\n!!!\nlevain.*") == "“!!!” has no word to look for."
