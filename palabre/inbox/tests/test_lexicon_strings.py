"""The lexicon's prefilter: a text is searched with an entry's pattern only when it holds one
of the strings every match of that pattern contains. A wrong string would silently let a
threat or a slur through, so the strings are checked against the patterns themselves."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.inbox.ml import datasets, lexicon
from palabre.inbox.ml.lexicon import required_strings


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\bkys\b", {"kys"}),
        (r"\b(je|on) ?(tuer|buter)\b", {"tuer", "buter"}),
        (r"a?bc", {"bc"}),
        (r"(x|)yz", {"yz"}),  # an alternation with an empty way needs nothing
        (r"(fire|burn down) at", {"fire", "burn down"}),  # the longest shortest string wins
        (r"(burn|burn down|set fire to)", {"burn", "set fire to"}),  # "burn down" has "burn"
        (r"(ab)+", {"ab"}),
        (r"(ab)*c", {"c"}),
        (r"[ab]c", {"c"}),
        (r"foo(?!bar)", {"foo"}),
        (r"(?i)kys", set()),  # case folded by the pattern: the strings would lie
        (r"\w+", set()),
    ],
)
def test_the_strings_every_match_needs(pattern: str, needs: set[str]) -> None:
    assert required_strings(pattern) == needs


def _first_match_of_every_entry(folded: str) -> lexicon.Entry | None:
    return next((e for e in lexicon.entries() if e.pattern.search(folded)), None)


def _comments() -> list[str]:
    """The project's comments, and the shared datasets' tweets where they are (CI has them):
    insults and slurs the lexicon finds by the hundred."""
    texts = [
        row.text
        for lang in ("fr", "en")
        for row in [*datasets.kinds(lang), *datasets.civil(lang, training=True)]
    ]
    root = datasets.find_root()
    if root is not None:
        texts += [row.text for row in datasets.davidson(root)[:5000]]
        texts += [row.text for lang in ("fr", "en") for row in datasets.mlma(root, lang)]
    return texts


def test_the_prefilter_finds_what_every_pattern_finds() -> None:
    hits = 0
    for text in _comments():
        folded = lexicon.fold(text)
        expected = _first_match_of_every_entry(folded)
        assert lexicon.match(folded) == expected, text
        hits += expected is not None
    assert hits > 30  # the comparison covered real hits, not only civil comments


@pytest.mark.parametrize("index", range(len(lexicon.entries())))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_text_an_entry_matches_holds_one_of_its_strings(
    index: int, data: st.DataObject
) -> None:
    entry = lexicon.entries()[index]
    needs = required_strings(entry.pattern.pattern)
    text = data.draw(st.from_regex(entry.pattern, alphabet=st.characters(codec="ascii")))
    if entry.pattern.search(text):  # lookarounds may make a drawn text miss after all
        assert any(s in text for s in needs) or not needs, (text, sorted(needs))
        assert index in lexicon.lexicon().candidates(text)


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        ("Ce serait dommage qu'il arrive quelque chose à ta jolie vitrine.", True),
        ("ça serait bête qu'il vous arrive un malheur en rentrant", True),
        ("surveille tes arrières ce soir", True),
        ("Ce serait dommage s'il vous arrivait quelque chose.", True),
        ("surveille bien tes arrières", True),
        ("Watch your back when you close tonight.", True),
        ("𝐈 𝐊𝐍𝐎𝐖 𝐖𝐇𝐄𝐑𝐄 𝐘𝐎𝐔 𝐋𝐈𝐕𝐄", True),  # letters that only look like the plain ones
        ("It'd be a shame if something happened to that shop of yours", True),
        ("watch ur back mate", True),
        ("shame if your van got torched", True),
        # the same words, said kindly
        ("Dommage qu'il arrive si tard, le pain de 7 h", False),
        ("watch your back on the deadlift, the new coach is strict about form", False),
        ("what a shame if the weather is bad for the market", False),
    ],
)
def test_veiled_threats_said_the_usual_way_are_on_the_list(text: str, threat: bool) -> None:
    """Idioms every community manager reads as a threat, whatever the model makes of them:
    a hit goes at least to review (hidden when the meaning agrees it is abuse)."""
    hit = lexicon.match(lexicon.fold(text))
    assert (hit is not None and hit.kind == "threat") == threat, hit
