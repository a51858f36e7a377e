"""Who an answer reaches on Mastodon: its visibility and the accounts it names."""

from __future__ import annotations

import pytest

from palabre.networks.base import Visibility
from palabre.networks.mastodon import audience

LOCAL = {"piaille.fr"}
BRAND = {"id": "1", "username": "lumiere", "acct": "lumiere"}
CLAIRE = {"id": "7", "username": "claire", "acct": "claire@framapiaf.org"}
FAN = {"id": "9", "username": "fan", "acct": "fan@piaille.fr"}  # as Takahē writes a local one


@pytest.mark.parametrize(
    ("value", "visibility"),
    [
        ("public", Visibility.PUBLIC),
        ("unlisted", Visibility.UNLISTED),
        ("private", Visibility.FOLLOWERS),
        ("direct", Visibility.DIRECT),
        ("limited", Visibility.DIRECT),  # unknown: the narrowest
        (None, Visibility.DIRECT),  # left out: in doubt, the narrowest too
        (5, Visibility.DIRECT),
    ],
)
def test_a_status_visibility_reads_as_palabre_s(value: object, visibility: Visibility) -> None:
    assert audience.visibility(value) is visibility


def test_a_public_answer_names_the_author_only() -> None:
    status = {"visibility": "public", "account": CLAIRE, "mentions": [BRAND, FAN]}
    assert audience.to_answer(status, me="1", local_domains=LOCAL) == [("claire", "framapiaf.org")]


def test_a_private_answer_names_everyone_addressed_but_the_account_itself() -> None:
    status = {"visibility": "direct", "account": CLAIRE, "mentions": [BRAND, FAN]}
    people = audience.to_answer(status, me="1", local_domains=LOCAL)
    assert people == [("claire", "framapiaf.org"), ("fan", "")]  # local: "@fan", not "@fan@…"
    text = audience.with_mentions("Oui, samedi.", people, LOCAL)
    assert text == "@claire@framapiaf.org @fan Oui, samedi."


def test_answering_itself_names_no_one() -> None:
    status = {"visibility": "public", "account": BRAND, "mentions": []}
    assert audience.to_answer(status, me="1", local_domains=LOCAL) == []


@pytest.mark.parametrize(
    "text",
    [
        "@claire@framapiaf.org merci",
        "Merci @Claire@Framapiaf.org !",
        "@fan et @claire@framapiaf.org",
    ],
)
def test_a_mention_already_written_is_not_repeated(text: str) -> None:
    people = [("claire", "framapiaf.org")]
    assert audience.with_mentions(text, people, LOCAL) == text


def test_a_local_name_is_not_a_remote_one() -> None:
    # "@claire" names a local claire, not claire@framapiaf.org: the real one is added.
    assert audience.with_mentions("@claire merci", [("claire", "framapiaf.org")], LOCAL) == (
        "@claire@framapiaf.org @claire merci"
    )
    assert audience.with_mentions("@fan@piaille.fr merci", [("fan", "")], LOCAL) == (
        "@fan@piaille.fr merci"
    )


# --- Review of issue 15 (r1) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "account",
    [
        {"id": "8", "username": "eve @victim@other.example", "acct": "eve@evil.example"},
        {"id": "8", "username": "eve", "acct": "eve@evil.example @victim@other.example"},
        {"id": "8", "username": "eve", "acct": "eve@evil.example\n@victim@other.example"},
    ],
)
def test_a_name_a_server_sent_cannot_add_someone_to_a_private_answer(account: dict) -> None:
    """Usernames and acct come from other servers through federation: one with a space in it
    must not make a direct answer mention (and so reach) another account."""
    status = {"visibility": "direct", "account": account, "mentions": [BRAND]}
    people = audience.to_answer(status, me="1", local_domains=LOCAL)
    text = audience.with_mentions("Votre commande est remboursée.", people, LOCAL)
    assert ("victim", "other.example") not in audience.mentioned(text, LOCAL)
