"""Issue 14, observation 18: the "same text everywhere" check on long ideas and many networks."""

from __future__ import annotations

import pytest
from django.utils import translation

from palabre.publishing.rules.crosspost import same_text_everywhere, similarity

SEVEN = ["X", "Mastodon", "Bluesky", "Threads", "LinkedIn", "Facebook", "Instagram"]
IDEA = (
    "Notre pain au levain bio, pétri chaque matin à la main, arrive en boutique samedi. "
    "Venez le goûter avec toute la famille et dites-nous ce que vous en pensez. "
)
OTHER = "Un tout autre texte, pensé pour LinkedIn : trois leçons tirées de dix ans de fournil."


def test_observation_18_the_warning_names_each_pair_once() -> None:
    """Seven identical variants: one warning, naming every network, not 21 warnings."""
    warnings = same_text_everywhere(dict.fromkeys(SEVEN, IDEA))
    assert len(warnings) == 1
    message = warnings[0].message
    for label in SEVEN:
        assert label in message
    assert message.count("100") == 1  # the similarity is said once for the group


def test_observation_18_two_groups_of_alike_variants_make_one_warning() -> None:
    variants = {"X": IDEA, "Mastodon": IDEA + " #pain", "LinkedIn": OTHER, "Threads": OTHER}
    warnings = same_text_everywhere(variants)
    assert len(warnings) == 1
    message = warnings[0].message
    assert all(label in message for label in variants)


def test_a_lone_pair_is_named_with_its_similarity() -> None:
    warnings = same_text_everywhere({"X": IDEA, "Mastodon": IDEA + " ok", "LinkedIn": OTHER})
    assert len(warnings) == 1
    assert "X" in warnings[0].message and "Mastodon" in warnings[0].message
    assert "LinkedIn" not in warnings[0].message


def test_observation_18_the_same_paragraphs_in_another_order_are_the_same_text() -> None:
    """Shuffling paragraphs is not adapting a text; the measure compares content, not order."""
    paragraphs = [f"Paragraphe {n} : {IDEA}{OTHER} fin {n}." for n in range(6)]
    shuffled = "\n\n".join(paragraphs[3:] + paragraphs[:3])
    assert similarity("\n\n".join(paragraphs), shuffled) >= 0.9


def test_links_mentions_hashtags_and_case_do_not_make_a_copy_look_adapted() -> None:
    decorated = "@lumiere " + IDEA.upper() + " https://lumiere.fr/levain #pain #levain"
    assert similarity(IDEA, decorated) == 1.0


def test_an_adapted_variant_is_not_flagged() -> None:
    short = "Levain bio samedi en boutique 🥖 Venez goûter !"
    assert similarity(IDEA, short) < 0.5
    assert similarity(IDEA, OTHER) < 0.2
    assert similarity("", IDEA) == 0.0
    assert similarity("ok", "ok") == 1.0  # texts shorter than a shingle compare whole


def test_a_small_edit_in_a_long_text_keeps_it_the_same_text() -> None:
    long = IDEA * 60  # about 9,500 characters
    edited = long.replace("samedi", "dimanche", 3)
    assert similarity(long, edited) >= 0.9


def test_observation_18_splitting_a_long_idea_reads_it_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The characters checked while splitting grow with the text, not with its square: six
    times the text costs six times the reading (it cost twelve times when every part was
    searched for over the whole rest of the text)."""
    import palabre.publishing.rules as rules
    from palabre.publishing.rules.threads import split_thread

    real, read = rules.check_text, [0]

    def counting(network: str, text: str, **kwargs: object) -> object:
        read[0] += len(text)
        return real(network, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "check_text", counting)
    costs = []
    for repeat in (20, 120):
        read[0] = 0
        assert split_thread("mastodon", IDEA * repeat, max_chars=1000)
        costs.append(read[0] / len(IDEA * repeat))
    assert costs[1] < costs[0] * 1.2, costs  # per character of text: about constant
    assert costs[1] < 4, costs  # each character read a few times, not once per part


@pytest.mark.django_db
def test_a_file_chosen_in_some_networks_tabs_only_is_said(cast, disk_storage) -> None:
    """A photo ticked in the Instagram tab, and Facebook and Mastodon went out as text."""
    from palabre.publishing.media import media_store
    from palabre.publishing.services import VariantData, post_checks
    from palabre.publishing.tests.media_samples import image

    photo = media_store(
        workspace=cast.workspace,
        uploaded_by=cast.bob,
        name="pain.jpg",
        data=image(1080, 1080),
        alt_text="Un pain",
        tags=[],
    )
    variants = {
        "instagram": VariantData(text="Le pain du jour", media=[photo]),
        "facebook": VariantData(text="Le pain du jour est là"),
        "mastodon": VariantData(text="Du pain, ce matin"),
    }
    with translation.override("en"):
        _checks, warnings = post_checks(workspace=cast.workspace, variants=variants)
        said = [w.message for w in warnings if w.code == "post.media_on_some_networks"]
    assert said == [
        "Files on Instagram only: Facebook Page and Mastodon go out without them. Choose them "
        "in each network's tab where they belong too."
    ]
    gone = frozenset({"facebook", "mastodon"})  # went out: their tabs are locked, nothing to choose
    _checks, warnings = post_checks(workspace=cast.workspace, variants=variants, gone=gone)
    assert "post.media_on_some_networks" not in {w.code for w in warnings}
    everywhere = {n: VariantData(text=v.text, media=[photo]) for n, v in variants.items()}
    _checks, warnings = post_checks(workspace=cast.workspace, variants=everywhere)
    assert "post.media_on_some_networks" not in {w.code for w in warnings}


def test_the_likeness_threshold_is_said_under_the_same_text_warning_only() -> None:
    from django.template.loader import render_to_string

    from palabre.publishing.rules import messages

    with translation.override("en"):
        files = messages.media_on_some(["Instagram"], ["X"])
        alone = render_to_string("publishing/_crosspost.html", {"crosspost": [files]})
        same = same_text_everywhere({"X": IDEA, "Bluesky": IDEA})
        both = render_to_string("publishing/_crosspost.html", {"crosspost": [*same, files]})
    assert "Flagged from" not in alone and "Files on Instagram only" in alone
    assert both.index("Same text") < both.index("Flagged from") < both.index("Files on")
