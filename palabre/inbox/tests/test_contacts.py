"""People's data: merge, export, erase, retention; and a workspace's own model."""

from __future__ import annotations

import html
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from palabre.inbox.contacts import contact_erase, contact_merge, workspace_retention_apply
from palabre.inbox.models import Contact, Interaction, Note, WorkspaceSweep
from palabre.inbox.moderation import (
    interaction_hide,
    workspace_meaning,
    workspace_model,
    workspace_model_dir,
)
from palabre.inbox.tests.helpers import comment, ingested, poll, published


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob)


def test_merge_gives_one_person_every_account(cast, target) -> None:
    comment(target, "Bonjour", handle="@claire", name="Claire Martin")
    bluesky = published(cast.workspace, cast.bob, network="bluesky")
    comment(bluesky, "Hello", handle="claire.bsky.social", name="Claire M.")
    poll(target.channel)
    poll(bluesky.channel)
    first, second = Contact.objects.order_by("pk")
    contact_merge(into=first, other=second)
    assert Contact.objects.count() == 1
    assert sorted(first.identities.values_list("network", flat=True)) == ["bluesky", "mastodon"]
    assert Interaction.objects.filter(identity__contact=first, kind="comment").count() == 2


def test_a_persons_page_says_where_they_stand_with_us(cast, client: Client, target) -> None:
    comment(target, "Bonjour", handle="@claire", name="Claire Martin")
    poll(target.channel)
    claire = Contact.objects.get()
    Contact.objects.filter(pk=claire.pk).update(
        stage="member", drifting=True, interactions_12m=7, months_active=3
    )
    cast.bob.language = "en"
    cast.bob.save()
    client.force_login(cast.bob)
    page = client.get(f"/w/lumiere/contacts/{claire.pk}/").content.decode()
    assert '<span class="badge stage-member">Member</span>' in page
    assert (
        "drifting away" in page
        and "7 interactions in the last 12 months; active in 3 of those 12 months (counted" in page
    )


def test_a_persons_history_shows_both_sides_a_page_at_a_time(cast, client: Client, target) -> None:
    """It listed what they wrote, 200 rows long, and nothing of what we answered or noted:
    the relationship was told from one side, and their details were pages below."""
    from palabre.inbox.services import interaction_note, interaction_reply

    for n in range(27):
        comment(target, f"Message {n:02d}", handle="@claire", name="Claire Martin")
    poll(target.channel)
    claire = Contact.objects.get()
    newest = Interaction.objects.filter(text="Message 26").get()
    interaction_reply(interaction=newest, actor=cast.bob, text="Avec plaisir, Claire !")
    interaction_note(interaction=newest, actor=cast.erin, text="Cliente du samedi, très fidèle")
    Contact.objects.filter(pk=claire.pk).update(notes="Allergique aux noix")
    client.force_login(cast.bob)
    url = f"/w/lumiere/contacts/{claire.pk}/?back=community&show=drifting"
    first = client.get(url).content.decode()
    assert "Allergique aux noix" in first.split('id="history"')[0]  # read before the history
    assert "Avec plaisir, Claire !" in first and "Cliente du samedi" in first
    assert str(cast.bob) in first.split("Avec plaisir")[0].rsplit("data-answer", 1)[1]
    assert "Message 26" in first and "Message 01" not in first
    assert 'href="?back=community&amp;show=drifting&amp;page=2"' in first
    second = client.get(url + "&page=2").content.decode()
    assert "Message 01" in second and "Message 26" not in second


def test_a_person_opened_from_the_drifting_list_leads_back_to_it(
    cast, client: Client, target
) -> None:
    """The "← People" link led to the inbox's people list, whatever list the person was
    opened from; the community's filter is kept through the page's search and forms. One
    person's badge is singular in French ("Engagé", not the column's "Engagés")."""
    comment(target, "Bonjour", handle="@claire", name="Claire Martin")
    poll(target.channel)
    claire = Contact.objects.get()
    Contact.objects.filter(pk=claire.pk).update(stage="engaged", drifting=True)
    client.force_login(cast.bob)
    community = client.get("/w/lumiere/community/?show=drifting").content.decode()
    opened = f"/w/lumiere/contacts/{claire.pk}/?back=community&amp;show=drifting"
    assert f'href="{opened}"' in community
    page = client.get(opened.replace("&amp;", "&")).content.decode()
    assert '<a href="/w/lumiere/community/?show=drifting">← Communauté</a>' in page
    assert '<span class="badge stage-engaged">Engagé</span>' in page
    assert '<input type="hidden" name="show" value="drifting">' in page
    merged = client.post(
        f"/w/lumiere/contacts/{claire.pk}/merge/?back=community&show=drifting", follow=True
    )
    assert merged.redirect_chain[-1][0].endswith("?back=community&show=drifting")
    hostile = client.get(f"/w/lumiere/contacts/{claire.pk}/?back=community&show=<b>")
    assert '<a href="/w/lumiere/community/?show=">' in hostile.content.decode()
    plain = client.get(f"/w/lumiere/contacts/{claire.pk}/").content.decode()
    assert '<a href="/w/lumiere/contacts/">← Personnes</a>' in plain


def test_merging_on_the_page_names_nobody_beforehand_and_asks_to_be_sure(
    cast, client: Client, target
) -> None:
    """A select that held the first name of 500, and one click merged for good: namesakes
    are offered, anyone else is found by name or handle, and the person says they are sure."""
    comment(target, "Bonjour", handle="@claire", name="Claire Martin")
    comment(target, "Re", handle="@claire.m", name="Claire Martin")
    comment(target, "Salut", handle="@anna", name="Anna Baker")
    poll(target.channel)
    claire, namesake = Contact.objects.filter(name="Claire Martin").order_by("pk")
    anna = Contact.objects.get(name="Anna Baker")
    cast.bob.language = "en"
    cast.bob.save()
    client.force_login(cast.bob)
    page = client.get(f"/w/lumiere/contacts/{claire.pk}/").content.decode()
    assert f'name="other" value="{namesake.pk}" required>' in page
    assert "@claire.m (Mastodon)" in page and "checked" not in page.split('id="merge"')[1]
    assert f'value="{anna.pk}"' not in page
    found = client.get(f"/w/lumiere/contacts/{claire.pk}/?same=anna").content.decode()
    assert f'name="other" value="{anna.pk}"' in found and "@anna (Mastodon)" in found
    nobody = client.get(f"/w/lumiere/contacts/{claire.pk}/?same=zzz").content.decode()
    assert "Nobody else found for “zzz”" in nobody
    merge = f"/w/lumiere/contacts/{claire.pk}/merge/"
    refused = client.post(merge, {"other": anna.pk}, follow=True).content.decode()
    assert "tick the box that says they are the same person" in refused
    assert Contact.objects.count() == 3
    client.post(merge, {"other": anna.pk, "sure": "on"})
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Claire Martin"] * 2


def test_the_merge_list_is_short_however_many_people_there_are(cast, target) -> None:
    from palabre.inbox.contacts import MERGE_CANDIDATES, merge_candidates

    comment(target, "Bonjour", handle="@claire", name="Claire Martin")
    poll(target.channel)
    claire = Contact.objects.get()
    Contact.objects.bulk_create(
        Contact(workspace=cast.workspace, name="Claire Martin") for _ in range(50)
    )
    assert len(merge_candidates(contact=claire)) == MERGE_CANDIDATES
    assert claire not in merge_candidates(contact=claire, text="claire")


def test_export_holds_everything_about_a_person(cast, client: Client, target) -> None:
    asked = comment(target, "Vous livrez ?", handle="@claire")
    poll(target.channel)
    item = ingested(asked)
    Note.objects.create(interaction=item, author=cast.bob, text="cliente fidèle")
    client.login(email="bob@example.com", password="correct horse battery")
    contact = item.identity.contact
    response = client.get(f"/w/lumiere/contacts/{contact.pk}/export/")
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["identities"][0]["handle"] == "@claire"
    assert data["interactions"][0]["text"] == "Vous livrez ?"
    assert data["interactions"][0]["notes"] == ["cliente fidèle"]


def test_erasing_a_person_anonymises_their_words_and_keeps_the_counts(cast, target) -> None:
    mine = comment(target, "Mon adresse est 3 rue des Lilas", handle="@claire")
    other = comment(target, "Bonjour", handle="@paul")
    poll(target.channel)
    contact = ingested(mine).identity.contact
    assert contact_erase(contact=contact) == 1
    erased, kept = ingested(mine), ingested(other)
    assert erased.text == "" and erased.identity is None and erased.erased
    assert kept.text == "Bonjour"
    assert Interaction.objects.filter(kind="comment").count() == 2
    poll(target.channel)  # the network still has it: it does not come back
    assert ingested(mine).text == ""


def test_the_retention_job_anonymises_what_is_older_than_the_period(cast, target) -> None:
    old = comment(target, "Vieux message", at=timezone.now() - timedelta(days=30 * 25))
    new = comment(target, "Message récent")
    poll(target.channel)
    sweep = WorkspaceSweep.objects.get(workspace=cast.workspace)
    from palabre.inbox.contacts import workspace_sweep_run

    next_run = workspace_sweep_run(sweep)
    assert ingested(old).erased and ingested(old).text == ""
    assert ingested(new).text == "Message récent"
    assert next_run is not None and next_run > timezone.now() + timedelta(hours=23)
    cast.workspace.retention_months = 1
    assert workspace_retention_apply(workspace=cast.workspace) == 0  # recent stays


def test_a_workspace_model_learns_from_its_moderators(cast, target, settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="needs at least"):
        call_command("train-moderation", workspace="lumiere")
    for text in (
        "Les boulangers industriels sont des vautours",
        "Allez voir ailleurs, bande de rapaces",
    ):
        comment(target, text, handle="@x")
    comment(target, "Ce pain est une tuerie", handle="@y")
    poll(target.channel)
    from palabre.inbox.moderation import interaction_judge

    for item in Interaction.objects.filter(identity__handle="@x"):
        interaction_hide(interaction=item, actor=cast.bob, reason="insulte")
    interaction_judge(
        interaction=Interaction.objects.get(identity__handle="@y"), actor=cast.bob, abusive=False
    )
    before = workspace_model(cast.workspace)
    call_command("train-moderation", workspace="lumiere")
    assert (Path(workspace_model_dir(cast.workspace)) / "model.npz").exists()
    after = workspace_model(cast.workspace)
    # Another machine (its own var/) finds the same model in the database.
    settings.VAR_DIR = tmp_path / "another-machine"
    assert workspace_model(cast.workspace).version == after.version
    assert str(workspace_model_dir(cast.workspace)).startswith(str(tmp_path / "another-machine"))
    assert after.version.startswith("lumiere-") and after.version != before.version
    stage2 = workspace_meaning(cast.workspace)  # its own second stage, not the base's
    assert stage2.fits and stage2.version.startswith("lumiere-")
    text = "bande de rapaces"
    assert after.scores([text])[0][0] > before.scores([text])[0][0]


def test_the_people_page_reaches_every_person_a_page_at_a_time(cast, client: Client) -> None:
    """It listed the first 50 and had no pager: the 51st was found only by searching."""
    Contact.objects.bulk_create(
        Contact(workspace=cast.workspace, name=f"Personne {n:02d}") for n in range(53)
    )
    client.force_login(cast.bob)
    first = client.get("/w/lumiere/contacts/?text=Personne").content.decode()
    assert first.count("Personne ") == 50 and "Personne 52" not in first
    assert 'href="?text=Personne&amp;page=2"' in first
    second = client.get("/w/lumiere/contacts/?text=Personne&page=2").content.decode()
    assert "Personne 52" in second and second.count("Personne ") == 3
    # Its count is not the community's (12 months, no follows or abuse): it says so.
    assert "Toutes les interactions" in first and "La page Communauté compte" in first


def test_the_people_page_finds_a_name_typed_without_its_accents(cast, client: Client) -> None:
    """ "helene" found nobody where the person was "Hélène Dupré"."""
    Contact.objects.create(workspace=cast.workspace, name="Hélène Dupré")
    Contact.objects.create(workspace=cast.workspace, name="Marc Martin")
    client.force_login(cast.bob)
    for typed in ("helene", "DUPRE", "Hélène d"):
        found = client.get(f"/w/lumiere/contacts/?text={typed}").content.decode()
        assert "Hélène Dupré" in found and "Marc Martin" not in found, typed


def test_the_people_search_reads_each_word_and_says_what_it_found_or_left(
    cast, client: Client
) -> None:
    """ "dupre helene" found nobody (the words were one phrase); a search that found nobody
    said "Nobody yet: people appear as they comment"; 201 characters were cut unsaid."""
    helene = Contact.objects.create(workspace=cast.workspace, name="Hélène Dupré")
    Contact.objects.create(workspace=cast.workspace, name="Marc Martin")
    helene.identities.create(
        workspace=cast.workspace, network="mastodon", remote_id="1", handle="hd"
    )
    client.force_login(cast.bob)
    found = client.get("/w/lumiere/contacts/?text=dupre+helene").content.decode()
    assert "Hélène Dupré" in found and "Marc Martin" not in found
    assert "@hd (Mastodon)" in found and "mastodon:" not in found  # the network's name
    nobody = html.unescape(client.get("/w/lumiere/contacts/?text=zoe").content.decode())
    assert "Personne ne correspond à «\u00a0zoe\u00a0»." in nobody
    assert "Personne pour l’instant" not in nobody and "data-left-out" not in nobody
    long = html.unescape(client.get(f"/w/lumiere/contacts/?text={'m' * 201}").content.decode())
    assert "Non appliqué\u00a0: Recherche (" in long and "Marc Martin" in long


def test_the_notes_field_says_where_an_at_tells_a_colleague(cast, client: Client) -> None:
    """ "@ines" in a person's notes told nobody, and nothing said so (a walk)."""
    person = Contact.objects.create(workspace=cast.workspace, name="Chloé Benali")
    client.force_login(cast.bob)
    page = html.unescape(client.get(f"/w/lumiere/contacts/{person.pk}/").content.decode())
    assert "écrivez une note sur l’un de ses messages\u00a0: un @ y prévient la personne" in page
