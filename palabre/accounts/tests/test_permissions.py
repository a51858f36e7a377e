"""Every view × every role, and an outsider: who gets the page, who gets 403, who 404."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import Invitation, Membership
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Contact, Identity, Interaction
from palabre.publishing.models import MediaItem, Post
from palabre.strategy.models import Audience, Conversion

ROLES = ["alice", "bob", "erin", "carl", "anna", "nina"]  # owner … analyst

# view → the roles (by cast name) that may open it; everyone else in the workspace: 403.
READERS = {"alice", "bob", "erin", "anna", "nina"}
EXPECTED_GET = {
    "dashboard": set(ROLES),
    "strategy": READERS,
    "calendar": READERS,
    "compose": {"alice", "bob", "erin"},
    "media": {"alice", "bob", "erin", "carl"},
    "inbox": {"alice", "bob", "erin", "nina"},
    "community": {"alice", "bob", "nina"},
    "reports": {"alice", "bob", "anna", "nina"},
    "workspace_settings": {"alice", "bob"},
    "members": {"alice"},
    "channel_list": {"alice", "bob"},
    "post_edit": {"alice", "bob", "erin"},
    "channel_connect_bluesky": {"alice", "bob"},
    "media_file": set(ROLES),
    "inbox_item": {"alice", "bob", "erin", "nina"},
    "inbox_item_private": {"alice", "bob", "erin", "nina"},
    "inbox_log": {"alice", "bob", "erin", "nina"},
    # A file of named authors: the Community page's permission (issue 14, observation 14).
    "inbox_log_csv": {"alice", "bob", "nina"},
    "inbox_rules": {"alice", "bob"},
    "inbox_saved_replies": {"alice", "bob"},
    "inbox_settings": {"alice", "bob"},
    "contacts": {"alice", "bob", "nina"},
    "contact_detail": {"alice", "bob", "nina"},
    "contact_export": {"alice", "bob"},
    "report_pdf": {"alice", "bob", "anna", "nina"},
    "report_csv": {"alice", "bob", "anna", "nina"},
    # Named people (contributors, supporters, drifting): the Community page's permission.
    "report_csv_people": {"alice", "bob", "nina"},
    "report_definitions": {"alice", "bob", "anna", "nina"},
    "report_settings": {"alice", "bob"},
    "community_csv": {"alice", "bob", "nina"},
    "strategy_links": READERS,
    "strategy_return": READERS,
    "time_spent": {"alice", "bob", "erin", "carl", "nina"},
    # Every member makes personal API tokens (issue 21).
    "api_tokens": set(ROLES),
    # Outgoing webhooks: owners and managers (Action.MANAGE_INTEGRATIONS).
    "workspace_settings_webhooks": {"alice", "bob"},
}


def _login(client: Client, name: str) -> None:
    client.login(email=f"{name}@example.com", password="correct horse battery")


@pytest.fixture
def objects(cast, settings, tmp_path) -> dict[str, int]:
    settings.MEDIA_ROOT = tmp_path
    post = Post.objects.create(
        workspace=cast.workspace, author=cast.erin, idea="Pain", category="helpful"
    )
    media = MediaItem(
        workspace=cast.workspace,
        name="pain.jpg",
        kind="image",
        content_type="image/jpeg",
        size=3,
        width=1,
        height=1,
    )
    media.file.save("pain.jpg", ContentFile(b"abc"))
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    contact = Contact.objects.create(workspace=cast.workspace, name="Claire")
    other = Contact.objects.create(workspace=cast.workspace, name="Claire M.")
    identity = Identity.objects.create(
        workspace=cast.workspace, contact=contact, network="mastodon", remote_id="1", handle="c"
    )
    item = Interaction.objects.create(
        workspace=cast.workspace,
        channel=channel,
        remote_id="act:1",
        kind="comment",
        identity=identity,
        text="Vous êtes ouverts ?",
        created_at=timezone.now(),
        category="question",
        needs_answer=True,
    )
    # A private message on a channel playing Mastodon: mute, block and report are offered.
    mastodon = channel_create_demo(workspace=cast.workspace, network="mastodon", name="M2")
    type(mastodon).objects.filter(pk=mastodon.pk).update(connector="demo_mastodon")
    private = Interaction.objects.create(
        workspace=cast.workspace,
        channel=mastodon,
        remote_id="act:2",
        kind="message",
        visibility="direct",
        identity=identity,
        text="Une question privée",
        created_at=timezone.now(),
        needs_answer=True,
    )
    return {
        "post": post.pk,
        "media": media.pk,
        "item": item.pk,
        "private": private.pk,
        "contact": contact.pk,
        "other_contact": other.pk,
    }


@pytest.mark.parametrize("view", sorted(EXPECTED_GET))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_gets_exactly_its_pages(client: Client, objects, view: str, who: str) -> None:
    _login(client, who)
    response = client.get(f"/w/lumiere/{_path(view, objects)}")
    assert response.status_code == (200 if who in EXPECTED_GET[view] else 403)


@pytest.mark.parametrize("view", sorted(EXPECTED_GET))
def test_outsider_gets_404_everywhere(client: Client, objects, view: str) -> None:
    _login(client, "charlie")
    assert client.get(f"/w/lumiere/{_path(view, objects)}").status_code == 404


@pytest.mark.parametrize("view", sorted(EXPECTED_GET))
def test_anonymous_is_asked_to_sign_in_then_brought_back(
    client: Client, objects, view: str
) -> None:
    """A link in an e-mail (an approval to give, a comment unanswered) opened where nobody
    is signed in answered "page not found"."""
    page = f"/w/lumiere/{_path(view, objects)}"
    response = client.get(page)
    assert response.status_code == 302
    assert response.url == f"/login/?{urlencode({'next': page})}"


def test_anonymous_is_told_nothing_of_which_workspaces_exist(client: Client, cast) -> None:
    here, nowhere = client.get("/w/lumiere/inbox/"), client.get("/w/nowhere/inbox/")
    assert here.status_code == nowhere.status_code == 302
    assert here.url.replace("lumiere", "nowhere") == nowhere.url


def test_signing_in_from_an_e_mails_link_opens_its_page(client: Client, objects) -> None:
    page = f"/w/lumiere/posts/{objects['post']}/review/"
    login = client.get(page).url
    form = {"email": "anna@example.com", "password": "correct horse battery"}
    response = client.post(login, {**form, "next": page})
    assert response.status_code == 302 and response.url == page
    assert client.get(page).status_code == 200


def test_a_form_sent_after_the_session_ended_signs_in_back_to_its_page(
    client: Client, objects
) -> None:
    item = f"/w/lumiere/inbox/{objects['item']}/"
    response = client.post(
        f"{item}reply/", {"text": "Merci !"}, HTTP_REFERER=f"http://testserver{item}"
    )
    assert response.status_code == 302
    assert response.url == f"/login/?{urlencode({'next': item})}"
    # htmx (a live check while typing): nothing replaced, nothing left; the page says so.
    htmx = client.post(
        f"{item}note/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{item}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert htmx.status_code == 401 and "HX-Redirect" not in htmx
    assert htmx["X-Sign-In"] == f"/login/?{urlencode({'next': item})}"
    assert "another tab" in htmx.content.decode()
    foreign = client.post(f"{item}reply/", HTTP_REFERER="https://evil.example//evil.example/x")
    assert foreign.url == "/login/"


def _path(view: str, objects: dict[str, int]) -> str:
    return {
        "dashboard": "",
        "workspace_settings": "settings/",
        "api_tokens": "settings/api/",
        "workspace_settings_webhooks": "settings/webhooks/",
        "members": "settings/members/",
        "channel_list": "settings/channels/",
        "post_edit": f"posts/{objects['post']}/",
        "media_file": f"media/{objects['media']}/file/",
        "channel_connect_bluesky": "settings/channels/bluesky/",
        "channel_connect_mastodon": "settings/channels/mastodon/",
        "post_review": f"posts/{objects['post']}/review/",
        "posts_export": "posts/export.csv",
        "posts_import": "posts/import/",
        "inbox_item": f"inbox/{objects.get('item')}/",
        "inbox_item_private": f"inbox/{objects.get('private')}/",
        "inbox_log": "inbox/log/",
        "inbox_log_csv": "inbox/log/?format=csv",
        "inbox_rules": "inbox/rules/",
        "inbox_saved_replies": "inbox/replies/",
        "inbox_settings": "inbox/settings/",
        "contact_detail": f"contacts/{objects.get('contact')}/",
        "contact_export": f"contacts/{objects.get('contact')}/export/",
        "report_pdf": "reports/report.pdf",
        "report_csv": "reports/channels.csv",
        "report_csv_people": "reports/contributors.csv",
        "report_definitions": "reports/definitions/",
        "report_settings": "reports/settings/",
        "community_csv": "community.csv",
        "strategy_links": "strategy/links/",
        "strategy_return": "strategy/return/",
        "time_spent": "time/",
    }.get(view, f"{view}/")


# Actions (POST): only the listed roles; others 403; the outsider 404 and nothing changes.
def _post_targets(cast, objects) -> dict[str, tuple[str, dict[str, str], set[str]]]:
    bob = Membership.objects.get(workspace=cast.workspace, user=cast.bob)
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="X")
    invitation = Invitation.objects.create(
        workspace=cast.workspace, email="z@example.com", role="editor"
    )
    item, contact, private = objects["item"], objects["contact"], objects["private"]
    audience = Audience.objects.create(workspace=cast.workspace, name="Parents", description="d")
    conversion = Conversion.objects.create(
        workspace=cast.workspace, external_id="C1", occurred_at=timezone.now(), source="csv"
    )
    return {
        "settings": (
            "settings/",
            {"name": "L", "timezone": "Europe/Paris", "crosspost_percent": 85},
            {"alice"},
        ),
        "invite": ("settings/members/", {"email": "new@example.com", "role": "editor"}, {"alice"}),
        "role": (f"settings/members/{bob.pk}/", {"role": "analyst"}, {"alice"}),
        "revoke": (f"settings/invitations/{invitation.pk}/revoke/", {}, {"alice"}),
        "add_channel": ("settings/channels/", {"network": "x", "name": "Y"}, {"alice", "bob"}),
        "remove_channel": (f"settings/channels/{channel.pk}/remove/", {}, {"alice", "bob"}),
        "disconnect_channel": (f"settings/channels/{channel.pk}/disconnect/", {}, {"alice", "bob"}),
        "connect_bluesky": (
            "settings/channels/bluesky/",
            {"handle": "bad handle"},
            {"alice", "bob"},
            200,
        ),
        "compose": (
            "compose/",
            {"post-idea": "Pain", "post-category": "helpful", "post-networks": ["x"]},
            COMPOSERS,
        ),
        "check": (f"posts/{objects['post']}/check/", {}, COMPOSERS, 200),
        "check_new": ("compose/check/", {"post-idea": "Pain"}, COMPOSERS, 200),
        "save_post": (
            f"posts/{objects['post']}/",
            {"post-idea": "Pain", "post-category": "helpful"},
            COMPOSERS,
            200,
        ),
        "upload": ("media/", {}, MEDIA, 200),
        "compose_media": ("compose/media/", {}, MEDIA, 400),  # no file: said so, in JSON
        "edit_media": (f"media/{objects['media']}/", {"alt_text": "Un pain"}, MEDIA),
        "reply": (f"inbox/{item}/reply/", {"text": "Oui, de 7 h à 19 h."}, ANSWER),
        "thank": (f"inbox/{item}/thank/", {}, ANSWER),
        "note": (f"inbox/{item}/note/", {"text": "Client fidèle"}, ANSWER),
        "assign": (f"inbox/{item}/assign/", {"me": "1"}, ANSWER),
        "done": (f"inbox/{item}/done/", {}, ANSWER),
        "hide": (f"inbox/{item}/hide/", {"reason": "test"}, ANSWER),
        "unhide": (f"inbox/{item}/unhide/", {}, ANSWER),
        "judge": (f"inbox/{item}/not-abuse/", {}, ANSWER),
        "private_reply": (
            f"inbox/{private}/reply/",
            {"text": "Bonjour", "visibility": "direct"},
            ANSWER,
        ),
        "mute": (f"inbox/{private}/mute/", {"reason": "insistant"}, ANSWER),
        "unmute": (f"inbox/{private}/unmute/", {}, ANSWER),
        "block": (f"inbox/{private}/block/", {"reason": "menaces"}, ANSWER),
        "unblock": (f"inbox/{private}/unblock/", {}, ANSWER),
        "report": (f"inbox/{private}/report/", {"reason": "Insultes"}, ANSWER),
        "add_rule": ("inbox/rules/", {"name": "R", "action": "review", "enabled": "on"}, ANSWER),
        "saved_reply": (
            "inbox/replies/",
            {"title": "Horaires", "lang": "fr", "text": "Bonjour {first_name}"},
            ANSWER,
        ),
        "inbox_settings": (
            "inbox/settings/",
            {"answer_alert_hours": 4, "retention_months": 24, "netiquette": ""},
            ANSWER,
        ),
        "contact_edit": (f"contacts/{contact}/", {"name": "Claire", "notes": ""}, ANSWER),
        "merge": (f"contacts/{contact}/merge/", {"other": objects["other_contact"]}, ANSWER),
        "erase": (f"contacts/{contact}/erase/", {"confirm": "erase"}, ANSWER),
        "add_link": (
            "strategy/links/",
            {"destination": "https://lumiere.example/", "label": "L"},
            COMPOSERS,
        ),
        "plan": (
            "strategy/",
            {"kind": "audience", "audience-name": "Voisins", "audience-description": "d"},
            ANSWER,
        ),
        "remove_plan_item": (
            "strategy/remove/",
            {"kind": "audience", "id": str(audience.pk)},
            ANSWER,
        ),
        "log_time": (
            "time/",
            {"kind": "start", "timer-network": "x", "timer-activity": "writing"},
            {"alice", "bob", "erin", "carl", "nina"},
        ),
        "ad_spend": (
            "strategy/return/",
            {
                "kind": "spend",
                "spend-network": "x",
                "spend-spent_on": "2026-11-02",
                "spend-amount": "12",
            },
            ANSWER,
        ),
        "webhook_secret": ("strategy/return/", {"kind": "token"}, ANSWER, 200),
        "delete_conversion": (
            f"strategy/conversions/{conversion.pk}/delete/",
            {"confirm": "delete"},
            ANSWER,
        ),
        "report_settings": (
            "reports/settings/",
            {"business_start": "09:00", "business_end": "18:00", "business_days": ["0"]},
            ANSWER,
        ),
    }


COMPOSERS = {"alice", "bob", "erin"}
MEDIA = {"alice", "bob", "erin", "carl"}
ANSWER = {"alice", "bob"}  # answering, moderating and people's data: owner and manager
ACTIONS = [
    "reply",
    "thank",
    "note",
    "assign",
    "done",
    "hide",
    "unhide",
    "judge",
    "private_reply",
    "mute",
    "unmute",
    "block",
    "unblock",
    "report",
    "add_rule",
    "saved_reply",
    "inbox_settings",
    "contact_edit",
    "merge",
    "erase",
    "report_settings",
    "add_link",
    "plan",
    "remove_plan_item",
    "log_time",
    "ad_spend",
    "webhook_secret",
    "delete_conversion",
    "settings",
    "invite",
    "role",
    "revoke",
    "add_channel",
    "remove_channel",
    "compose",
    "check",
    "save_post",
    "upload",
    "compose_media",
    "edit_media",
]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ROLES + ["charlie"])
def test_each_role_may_act_exactly_as_allowed(
    client: Client, cast, objects, action: str, who: str
) -> None:
    path, data, allowed, *success = _post_targets(cast, objects)[action]
    _login(client, who)
    response = client.post(f"/w/lumiere/{path}", data)
    if who == "charlie":
        assert response.status_code == 404
    elif who in allowed:
        # A form sent back with its errors (200) or done and redirected (302).
        assert response.status_code == (success[0] if success else 302)
    else:
        assert response.status_code == 403


def test_object_of_another_workspace_answers_404_even_to_its_owner_path(
    client: Client, cast
) -> None:
    theirs = channel_create_demo(workspace=cast.other_workspace, network="x", name="Theirs")
    _login(client, "alice")
    response = client.post(f"/w/lumiere/settings/channels/{theirs.pk}/remove/")
    assert response.status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


def test_the_members_page_says_what_each_role_may_do(cast) -> None:
    from django.test import Client

    from palabre.accounts.models import ROLE_TEXTS, Role

    assert set(ROLE_TEXTS) == set(Role)
    client = Client()
    client.force_login(cast.alice)
    page = client.get("/w/lumiere/settings/members/").content.decode()
    assert "Ce que chaque rôle permet" in page and "Enregistrer le rôle" in page
    assert "<dt>Valideur (client)</dt>" in page and "demande des modifications" in page
    # An editor schedules where the workspace asks for no approval (a reviewer's finding).
    assert "les programme là où l’espace de travail n’en demande pas" in page
