"""Connecting Facebook Pages and Instagram accounts through the views a person uses, against
the Graph API double: Palabre's button, the double's consent page (who logs in, which
Pages), Palabre's callback, the picker."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from palabre.accounts.models import Membership, Role, User
from palabre.channels.meta import connect_pending_expire
from palabre.channels.meta_views import PICK_SESSION
from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, ConnectPending
from palabre.channels.services import channel_mark_needs_reconnect
from palabre.networks.meta.graph import Graph

CHANNELS = "/w/lumiere/settings/channels/"
PICK = "/w/lumiere/settings/channels/meta/pick/"


@pytest.fixture
def site(settings: Any) -> str:
    settings.SITE_URL = "https://palabre.example.org"
    return str(settings.SITE_URL)


@pytest.fixture
def owner(client: Client, cast: Any, meta_double: Any, site: str) -> Client:
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


@pytest.fixture
def bakery(meta_double: Any) -> Any:
    """A person who administers two Pages; the first has an Instagram account."""
    person = meta_double.person("Brigitte Boulanger")
    first = meta_double.page(person, "Boulangerie Lumière")
    ig = meta_double.instagram(first, "lumiere.boulangerie")
    second = meta_double.page(person, "Lumière Traiteur")
    return type("Bakery", (), {"person": person, "page": first, "ig": ig, "other": second})


def login(
    client: Client, double: Any, person: Any, *, slug: str = "lumiere", **consent: Any
) -> Any:
    """Press "Connect Facebook and Instagram", consent on the double, come back: the answer
    of Palabre's callback."""
    started = client.post(f"/w/{slug}/settings/channels/meta/")
    assert started.status_code == 302
    back = double.facebook_consent(started["Location"], person=person, **consent)
    assert back.startswith(settings.SITE_URL + "/channels/meta/callback/?")
    return client.get(back.removeprefix(settings.SITE_URL))


def picker(client: Client, double: Any, person: Any, **consent: Any) -> str:
    answer = login(client, double, person, **consent)
    assert answer.status_code == 302 and answer["Location"] == PICK
    page = client.get(PICK)
    assert page.status_code == 200
    return html.unescape(page.content.decode())


def messages_of(client: Client) -> str:
    return html.unescape(client.get(CHANNELS).content.decode())


def graph_name(double: Any, node_id: str, token: str) -> str:
    """What the double says of `node_id` with `token`: the token works for it."""
    graph = Graph(base_url=double.graph_url, version=double.version, token=token)
    try:
        return str(graph.get(node_id, fields="name" if "_" not in node_id else "id")["name"])
    finally:
        graph.close()


def test_the_login_dialog_is_facebook_login_for_business(owner: Client, meta_double: Any) -> None:
    started = owner.post(f"{CHANNELS}meta/")
    location = started["Location"]
    assert location.startswith(f"{meta_double.login_url}/{meta_double.version}/dialog/oauth?")
    url = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == settings.PALABRE_META_APP_ID
    assert query["config_id"] == settings.PALABRE_META_CONFIG_ID
    assert query["redirect_uri"] == "https://palabre.example.org/channels/meta/callback/"
    assert query["response_type"] == "code"
    assert query["override_default_response_type"] == "true"
    assert len(query["state"]) >= 24


def test_connect_a_page_and_its_instagram_account(
    owner: Client, cast: Any, meta_double: Any, bakery: Any
) -> None:
    text = picker(owner, meta_double, bakery.person)
    for shown in ("Boulangerie Lumière", "@lumiere.boulangerie", "Lumière Traiteur"):
        assert shown in text
    assert "checked" not in text  # nothing ticked for the person
    done = owner.post(
        PICK, {"account": [f"facebook:{bakery.page.id}", f"instagram:{bakery.ig.id}"]}
    )
    assert done.status_code == 302 and done["Location"] == CHANNELS
    page = Channel.objects.get(connector="facebook")
    ig = Channel.objects.get(connector="instagram")
    assert (page.workspace, page.network, page.account_id) == (
        cast.workspace,
        "facebook",
        bakery.page.id,
    )
    assert (page.name, page.status) == ("Boulangerie Lumière", ChannelStatus.ACTIVE)
    assert (ig.name, ig.handle, ig.account_id) == (
        "lumiere.boulangerie",
        "@lumiere.boulangerie",
        bakery.ig.id,
    )
    assert set(page.credentials) == {"page_id", "page_token"}
    assert ig.credentials["ig_user_id"] == bakery.ig.id
    assert ig.credentials["page_id"] == bakery.page.id
    # Real Page tokens, that work on the network and never expire.
    token = page.credentials["page_token"]
    assert graph_name(meta_double, bakery.page.id, token) == "Boulangerie Lumière"
    assert meta_double.token(token).kind == "page" and meta_double.token(token).expires is None
    assert ig.credentials["page_token"] == token
    # Who connected them, for Meta's callbacks; the second Page was left alone.
    assert set(ChannelGrant.objects.values_list("granted_by", flat=True)) == {bakery.person.id}
    assert not Channel.objects.filter(account_id=bakery.other.id).exists()
    assert not ConnectPending.objects.exists()
    assert "Connected: Boulangerie Lumière, lumiere.boulangerie." in messages_of(owner)
    # The Page is subscribed to the app's webhooks (for itself and its Instagram account).
    assert bakery.page.subscribed_fields == ["feed"]
    assert bakery.other.subscribed_fields == []
    assert set(ChannelGrant.objects.values_list("webhook_subscribed", flat=True)) == {True}


def test_a_page_meta_will_not_subscribe_is_connected_all_the_same(
    owner: Client, meta_double: Any, bakery: Any
) -> None:
    picker(owner, meta_double, bakery.person)
    meta_double.fail(f"/{meta_double.version}/{bakery.page.id}/subscribed_apps", code=200)
    owner.post(PICK, {"account": [f"facebook:{bakery.page.id}"]})
    channel = Channel.objects.get()
    assert channel.status == ChannelStatus.ACTIVE  # a refused subscription is no refused token
    assert ChannelGrant.objects.get().webhook_subscribed is False
    assert "pages_manage_metadata" in messages_of(owner)


def test_the_user_token_is_never_kept(owner: Client, meta_double: Any, bakery: Any) -> None:
    picker(owner, meta_double, bakery.person)
    pending = ConnectPending.objects.get()
    user_tokens = [
        t.value
        for t in meta_double.world.tokens.values()
        if t.kind == "user" and t.person_id == bakery.person.id
    ]
    page_tokens = [
        t.value
        for t in meta_double.world.tokens.values()
        if t.kind == "page" and t.person_id == bakery.person.id
    ]
    assert user_tokens and page_tokens
    # While the list is shown: the session holds the row's id only; the row, ciphertext.
    assert owner.session[PICK_SESSION] == pending.pk
    stored = [pending.accounts_encrypted, *Session.objects.values_list("session_data", flat=True)]
    decoded = [str(s.get_decoded()) for s in Session.objects.all()]
    for token in user_tokens + page_tokens:
        assert not any(token in text for text in stored + decoded)
    owner.post(PICK, {"account": [f"facebook:{bakery.page.id}"]})
    kept = [c.credentials_encrypted for c in Channel.objects.all()]
    kept += [str(c.credentials) for c in Channel.objects.all()]
    for token in user_tokens:
        assert not any(token in text for text in kept)


def test_nothing_ticked_connects_nothing(owner: Client, meta_double: Any, bakery: Any) -> None:
    picker(owner, meta_double, bakery.person)
    done = owner.post(PICK, {})
    assert done.status_code == 302
    assert not Channel.objects.exists()
    assert not ConnectPending.objects.exists()
    assert "nothing was connected" in messages_of(owner)


def test_a_forged_choice_connects_nothing_it_did_not_list(
    owner: Client, meta_double: Any, bakery: Any
) -> None:
    stranger = meta_double.page(meta_double.person("Someone Else"), "Not Hers")
    picker(owner, meta_double, bakery.person, pages=[bakery.page])
    owner.post(PICK, {"account": [f"facebook:{stranger.id}", "facebook:../../x", "x" * 5000]})
    assert not Channel.objects.exists()


def test_the_list_expires(owner: Client, meta_double: Any, bakery: Any) -> None:
    from django.utils import timezone

    picker(owner, meta_double, bakery.person)
    pending = ConnectPending.objects.get()
    ConnectPending.objects.update(expires_at=timezone.now())
    answer = owner.post(PICK, {"account": [f"facebook:{bakery.page.id}"]})
    assert answer.status_code == 302 and answer["Location"] == CHANNELS
    assert not Channel.objects.exists()
    assert "expired" in messages_of(owner)
    connect_pending_expire(pending)  # the worker's step
    assert not ConnectPending.objects.exists()


def test_cancelling_on_facebook_connects_nothing(
    owner: Client, meta_double: Any, bakery: Any
) -> None:
    answer = login(owner, meta_double, bakery.person, allow=False)
    assert answer.status_code == 302 and answer["Location"] == CHANNELS
    # The person's own choice, said as one: not "Facebook did not authorize Palabre".
    assert "Cancelled in the Facebook window; nothing was connected." in messages_of(owner)
    assert not ConnectPending.objects.exists()
    # Facebook's refusal for another reason is said as a refusal.
    owner.post(f"{CHANNELS}meta/")
    state = owner.session["palabre_meta_oauth"]["state"]
    owner.get("/channels/meta/callback/", {"error": "server_error", "state": state})
    assert "Facebook did not authorize Palabre" in messages_of(owner)


def test_a_forged_or_replayed_callback_connects_nothing(
    owner: Client, meta_double: Any, bakery: Any
) -> None:
    started = owner.post(f"{CHANNELS}meta/")
    back = meta_double.facebook_consent(started["Location"], person=bakery.person)
    path = back.removeprefix(settings.SITE_URL)
    forged = path.replace("state=", "state=x")
    assert owner.get(forged)["Location"] == "/"
    assert owner.get(path)["Location"] == "/"  # the state was spent by the forged call
    assert not ConnectPending.objects.exists()


def test_a_refused_code_says_so(owner: Client, meta_double: Any) -> None:
    owner.post(f"{CHANNELS}meta/")
    state = owner.session["palabre_meta_oauth"]["state"]
    answer = owner.get("/channels/meta/callback/", {"code": "not-a-code", "state": state})
    assert answer["Location"] == CHANNELS
    assert "Facebook did not accept this authorization" in messages_of(owner)


def test_an_account_of_another_workspace_is_not_connected_and_its_name_stays_there(
    owner: Client, cast: Any, meta_double: Any, bakery: Any
) -> None:
    theirs = Channel.objects.create(
        workspace=cast.other_workspace,
        network="facebook",
        connector="facebook",
        name="Boulangerie Lumière",
        account_id=bakery.page.id,
    )
    theirs.save_credentials({"page_id": bakery.page.id, "page_token": "theirs"})
    text = picker(owner, meta_double, bakery.person)
    assert "already a channel of another workspace" in text
    assert "Ailleurs" not in text
    assert f'value="facebook:{bakery.page.id}" disabled' in text
    # Ticked anyway (a forged form, or taken meanwhile): refused, said, nothing changed there.
    owner.post(PICK, {"account": [f"facebook:{bakery.page.id}", f"instagram:{bakery.ig.id}"]})
    text = messages_of(owner)
    assert "already a channel of another workspace" in text and "Ailleurs" not in text
    theirs.refresh_from_db()
    assert theirs.workspace == cast.other_workspace and theirs.credentials["page_token"] == "theirs"
    assert list(
        Channel.objects.filter(workspace=cast.workspace).values_list("connector", flat=True)
    ) == ["instagram"]


def test_its_members_are_told_which_workspace_has_it(
    owner: Client, cast: Any, meta_double: Any, bakery: Any
) -> None:
    Membership.objects.create(workspace=cast.other_workspace, user=cast.alice, role=Role.EDITOR)
    Channel.objects.create(
        workspace=cast.other_workspace,
        network="instagram",
        connector="instagram",
        name="lumiere.boulangerie",
        account_id=bakery.ig.id,
    )
    text = picker(owner, meta_double, bakery.person)
    assert "already a channel of the workspace “Ailleurs”" in text


def test_connecting_again_reconnects_the_same_channel(
    owner: Client, cast: Any, meta_double: Any, bakery: Any
) -> None:
    picker(owner, meta_double, bakery.person)
    owner.post(PICK, {"account": [f"facebook:{bakery.page.id}"]})
    channel = Channel.objects.get()
    old_token = channel.credentials["page_token"]
    meta_double.revoke(old_token)
    channel_mark_needs_reconnect(channel=channel, reason="Error validating access token")
    assert "Reconnect" in messages_of(owner)
    text = picker(owner, meta_double, bakery.person)
    # Ticked already: "Reconnect" was what the person asked for; the other Page is not.
    assert "needs reconnecting: ticked, it is reconnected" in text
    assert f'value="facebook:{bakery.page.id}" checked' in text
    assert f'value="facebook:{bakery.other.id}">' in text
    owner.post(PICK, {"account": [f"facebook:{bakery.page.id}"]})
    channel.refresh_from_db()
    assert Channel.objects.count() == 1
    assert channel.status == ChannelStatus.ACTIVE and channel.status_reason == ""
    assert channel.credentials["page_token"] != old_token
    assert graph_name(meta_double, bakery.page.id, channel.credentials["page_token"])


@pytest.mark.parametrize("who", ["erin", "carl", "anna", "nina"])
def test_only_those_who_manage_channels_may_connect(
    client: Client, cast: Any, meta_double: Any, who: str
) -> None:
    client.force_login(cast.users[who])
    assert client.post(f"{CHANNELS}meta/").status_code == 403
    assert client.get(PICK).status_code == 403
    assert client.post(f"{CHANNELS}threads/").status_code == 403


def test_other_workspaces_are_not_found(client: Client, cast: Any, meta_double: Any) -> None:
    client.force_login(cast.charlie)
    for path in (f"{CHANNELS}meta/", f"{CHANNELS}threads/"):
        assert client.post(path).status_code == 404
    assert client.get(PICK).status_code == 404


def test_a_list_found_for_someone_else_is_not_shown(
    owner: Client, cast: Any, meta_double: Any, bakery: Any
) -> None:
    picker(owner, meta_double, bakery.person)
    pending = ConnectPending.objects.get()
    bob = Client()
    bob.force_login(cast.bob)  # a manager of the same workspace, with a session of his own
    session = bob.session
    session[PICK_SESSION] = pending.pk
    session.save()
    answer = bob.post(PICK, {"account": [f"facebook:{bakery.page.id}"]})
    assert answer.status_code == 302
    assert not Channel.objects.exists()


def test_without_a_meta_app_the_button_says_what_to_set(owner: Client, settings: Any) -> None:
    settings.PALABRE_META_CONFIG_ID = ""
    settings.PALABRE_THREADS_APP_SECRET = ""
    text = messages_of(owner)
    assert "PALABRE_META_CONFIG_ID" in text and "docs/networks/meta.md" in text
    assert "PALABRE_THREADS_APP_SECRET" in text
    assert 'action="/w/lumiere/settings/channels/meta/"' not in text
    answer = owner.post(f"{CHANNELS}meta/")
    assert answer.status_code == 302 and answer["Location"] == CHANNELS
    assert not Channel.objects.exists()


def test_a_list_that_can_no_longer_be_read_asks_to_log_in_again(
    owner: Client, meta_double: Any, bakery: Any
) -> None:
    from cryptography.fernet import Fernet

    picker(owner, meta_double, bakery.person)
    # Encrypted with a key the instance no longer has (rotated away meanwhile).
    other = Fernet(Fernet.generate_key()).encrypt(b"[]").decode()
    ConnectPending.objects.update(accounts_encrypted=other)
    answer = owner.get(PICK)
    assert answer.status_code == 302
    assert "expired" in messages_of(owner)


# --- What the network lists is not believed blindly --------------------------------------


def test_names_with_a_nul_character_connect_without_it(owner: Client, meta_double: Any) -> None:
    """A Page's or an account's name is the network's text: a NUL character in it (which
    PostgreSQL refuses in text) answered the pick with a 500, and connected nothing."""
    person = meta_double.person("Brigitte Boulanger")
    page = meta_double.page(person, "Boulan\x00gerie")
    ig = meta_double.instagram(page, "lumi\x00ere")
    picker(owner, meta_double, person)
    done = owner.post(PICK, {"account": [f"facebook:{page.id}", f"instagram:{ig.id}"]})
    assert done.status_code == 302
    assert sorted(Channel.objects.values_list("name", "handle")) == [
        ("Boulangerie", "Boulangerie"),
        ("lumiere", "@lumiere"),
    ]


def test_a_page_listed_with_an_id_that_is_no_id_is_left_out(
    owner: Client, meta_double: Any, bakery: Any
) -> None:
    """The Page's id becomes the channel's account and a Graph path (its webhooks'
    subscription): one that is a path, or holds a NUL character, is no Page."""
    import json

    listed = {
        "data": [
            {"id": "../me", "name": "Chemin", "access_token": "t1"},
            {"id": "12\x0034", "name": "Nul", "access_token": "t2"},
            {
                "id": bakery.page.id,
                "name": "Boulangerie Lumière",
                "access_token": "t3",
                "instagram_business_account": {"id": "99/../1", "username": "chemin"},
            },
        ]
    }
    meta_double.fail(
        f"/{meta_double.version}/me/accounts", body=json.dumps(listed).encode(), status=200
    )
    # The choices only: a CSRF token is random letters, "…HNulbY…" once failed this test.
    text = picker(owner, meta_double, bakery.person).split("<form")[-1].split("</form>")[0]
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    assert "Chemin" not in text and "Nul" not in text and "chemin" not in text
    assert "Boulangerie Lumière" in text
    keys = ["facebook:../me", "facebook:12\x0034", "instagram:99/../1"]
    assert owner.post(PICK, {"account": keys}).status_code == 302
    assert not Channel.objects.exists()


@pytest.mark.parametrize("user_id", ["12\x0034", "../me", ""])
def test_a_person_whose_id_is_no_id_connects_nothing_without_a_500(
    owner: Client, meta_double: Any, bakery: Any, user_id: str
) -> None:
    """Who logged in (their app-scoped id) is kept for Meta's callbacks: an id that is no
    Graph id (a NUL character: PostgreSQL refuses it) answered the callback with a 500."""
    import json

    body = json.dumps({"id": user_id}).encode()
    meta_double.fail(f"/{meta_double.version}/me", body=body, status=200)
    answer = login(owner, meta_double, bakery.person)
    assert answer.status_code == 302 and answer["Location"] == CHANNELS
    assert not ConnectPending.objects.exists()
    assert "could not be reached" in messages_of(owner)


def test_a_list_of_other_workspaces_accounts_only_has_nothing_to_connect(
    owner: Client, cast: Any, meta_double: Any, bakery: Any
) -> None:
    Channel.objects.create(
        workspace=cast.other_workspace,
        network="facebook",
        connector="facebook",
        name="Boulangerie Lumière",
        account_id=bakery.other.id,
    )
    alone = picker(owner, meta_double, bakery.person, pages=[bakery.other])
    assert "already a channel of another workspace" in alone
    assert "Connect the ticked accounts" not in alone
    assert "None of these accounts can be connected here" in alone
    both = picker(owner, meta_double, bakery.person)  # with Pages that can be connected
    assert "Connect the ticked accounts" in both
