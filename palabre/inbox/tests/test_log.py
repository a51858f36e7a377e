"""The moderation log: filtered by what was done, by whom and where, a page at a time, and
its CSV the rows the filters show (a walk through the demo found 261 rows on one page)."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from palabre.inbox.models import EventAction, Interaction, ModerationEvent
from palabre.inbox.tests.helpers import comment, poll, published
from palabre.lib.tests.csvfiles import csv_rows


@pytest.fixture
def logged(cast) -> dict[str, Interaction]:
    """A comment on each of two channels, and a log of people's and machines' decisions."""
    items = {}
    for network in ("mastodon", "bluesky"):
        target = published(cast.workspace, cast.bob, network=network)
        comment(target, f"Un avis sur {network}", handle=f"@{network}")
        poll(target.channel)
        items[network] = Interaction.objects.get(channel=target.channel, kind="comment")
    ModerationEvent.objects.all().delete()  # what ingesting decided: not this test's rows
    rows = [
        ModerationEvent(
            workspace=cast.workspace,
            interaction=items["mastodon"],
            action=EventAction.HIDE,
            rule_name="mots interdits",
            reason=f"règle {n}",
        )
        for n in range(55)
    ]
    rows.append(
        ModerationEvent(
            workspace=cast.workspace,
            interaction=items["bluesky"],
            action=EventAction.UNHIDE,
            actor=cast.bob,
            reason="c'était de l'humour",
        )
    )
    ModerationEvent.objects.bulk_create(rows)
    return items


def _rows(page: str) -> list[str]:
    return [part.split("</tr>")[0] for part in page.split("<tr data-action=")[1:]]


def test_the_log_shows_fifty_rows_a_page_and_keeps_its_filters_from_page_to_page(
    bob: Client, logged
) -> None:
    first = html.unescape(bob.get("/w/lumiere/inbox/log/?by=machine").content.decode())
    assert len(_rows(first)) == 50 and "humour" not in first
    assert "Page 1 sur 2" in first
    assert (
        'href="?by=machine&amp;page=2"'
        in bob.get("/w/lumiere/inbox/log/?by=machine").content.decode()
    )
    second = bob.get("/w/lumiere/inbox/log/?by=machine&page=2").content.decode()
    assert len(_rows(second)) == 5


@pytest.mark.parametrize(
    ("query", "count", "seen"),
    [
        ("action=unhide", 1, "humour"),
        ("by=people", 1, "humour"),
        ("action=hide&by=people", 0, None),
        ("channel={bluesky}", 1, "humour"),
        ("channel={mastodon}&action=hide", 50, "règle 54"),  # newest first
    ],
)
def test_each_filter_narrows_the_log(bob: Client, logged, query, count, seen) -> None:
    query = query.format(**{n: item.channel_id for n, item in logged.items()})
    page = html.unescape(bob.get(f"/w/lumiere/inbox/log/?{query}").content.decode())
    assert len(_rows(page)) == count
    if seen:
        assert seen in _rows(page)[0]
    else:
        assert "Rien dans le journal ne correspond à ces filtres." in page
    assert "Tout afficher" in page  # the way back to the whole log


def test_the_csv_holds_the_filtered_rows_all_of_them_not_a_page(bob: Client, logged) -> None:
    page = bob.get("/w/lumiere/inbox/log/?by=machine&page=2").content.decode()
    assert 'href="?by=machine&amp;format=csv"' in page  # the filters kept, the page not
    rows = csv_rows(bob.get("/w/lumiere/inbox/log/?by=machine&format=csv").content.decode())
    assert len(rows) == 1 + 55 and {r[1] for r in rows[1:]} == {"hide"}


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ("action=nope", "Action"),
        ("by=robots", "Par"),
        ("channel=99999999999999999999999", "Canal"),
        ("channel=abc", "Canal"),
    ],
)
def test_a_filter_that_means_nothing_is_said_and_left_out_not_an_error(
    bob: Client, logged, query, ignored
) -> None:
    response = bob.get(f"/w/lumiere/inbox/log/?{query}")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert len(_rows(page)) == 50
    assert f"Non appliqué, car ce n’est pas l’un des choix\u00a0: {ignored}." in page


def test_the_filters_that_mean_something_still_apply_beside_one_that_does_not(
    bob: Client, logged
) -> None:
    page = html.unescape(bob.get("/w/lumiere/inbox/log/?by=people&action=nope").content.decode())
    assert len(_rows(page)) == 1 and "humour" in page
    csv = bob.get("/w/lumiere/inbox/log/?by=people&action=nope&format=csv").content.decode()
    assert len(csv_rows(csv)) == 2  # the heading and the person's one decision


def test_a_page_out_of_range_shows_the_last_one(bob: Client, logged) -> None:
    for page in ("-3", "99", "x"):
        response = bob.get(f"/w/lumiere/inbox/log/?page={page}")
        assert response.status_code == 200 and _rows(response.content.decode())


def test_another_workspaces_channel_is_no_choice_and_filters_nothing_in(
    client: Client, cast, logged
) -> None:
    theirs = published(cast.other_workspace, cast.charlie)
    comment(theirs, "Un avis ailleurs", handle="@ailleurs")
    poll(theirs.channel)
    item = Interaction.objects.get(channel=theirs.channel, kind="comment")
    ModerationEvent.objects.create(
        workspace=cast.other_workspace, interaction=item, action=EventAction.HIDE, reason="ici"
    )
    client.force_login(cast.charlie)
    lumiere = logged["bluesky"].channel
    page = html.unescape(
        client.get(f"/w/ailleurs/inbox/log/?channel={lumiere.pk}").content.decode()
    )
    options = page.split('name="channel"')[1].split("</select>")[0]
    assert f'value="{lumiere.pk}"' not in options and lumiere.name not in options
    assert [r for r in _rows(page) if "Un avis ailleurs" in r]  # their log, not filtered away
    assert "Un avis sur" not in page  # nothing of lumière's
