from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.core import mail
from django.test import Client

from palabre.accounts import services
from palabre.accounts.models import Invitation, Membership, User

PASSWORD = "correct horse battery"


def _login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post("/login/", {"email": email, "password": password, **extra})


def test_it_logs_in_with_any_letter_case(client: Client, cast) -> None:
    response = _login(client, "ALICE@Example.com")
    assert response.status_code == 302
    assert client.get("/").url == "/w/lumiere/"


def test_wrong_password_says_so_in_french(client: Client, cast) -> None:
    response = _login(client, "alice@example.com", "nope")
    assert response.status_code == 200
    assert "ne correspondent pas" in response.content.decode()


def test_login_is_throttled_after_five_failures(client: Client, cast, settings) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _login(client, "alice@example.com", "nope")
    response = _login(client, "alice@example.com")  # even the right password waits
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_many_accounts_from_one_address_are_throttled(client: Client, cast, settings) -> None:
    for i in range(settings.LOGIN_MAX_FAILURES * 4):
        _login(client, f"nobody{i}@example.com", "nope")
    response = _login(client, "bob@example.com")
    assert "Trop de tentatives" in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "dashboard",  # a word redirect() would read as a URL's name: a 500
        "logout",  # one it would follow
        "/w/lumiere/\r\nSet-Cookie: x=1",
    ],
)
def test_next_sends_people_only_to_a_path_of_this_site(client: Client, cast, target) -> None:
    response = _login(client, "alice@example.com", next=target)
    assert (response.status_code, response.url) == (302, "/")
    assert client.session["_auth_user_id"] == str(cast.alice.pk)


def test_next_keeps_a_path_of_this_site(client: Client, cast) -> None:
    response = _login(client, "alice@example.com", next="/w/lumiere/inbox/?page=2")
    assert response.url == "/w/lumiere/inbox/?page=2"


def test_two_factor_login_asks_for_a_code(client: Client, cast) -> None:
    secret = services.totp_new_secret()
    # Set up with the previous step's code: a code is good once, the current one is kept.
    previous = pyotp.TOTP(secret).at(time.time() - 30)
    services.user_enable_totp(user=cast.alice, secret=secret, code=previous, password=PASSWORD)
    response = _login(client, "alice@example.com")
    assert response.url.startswith("/login/code/")
    assert "_auth_user_id" not in client.session
    assert client.post("/login/code/", {"code": "000000"}).status_code == 200
    assert client.post("/login/code/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.alice.pk)


def test_the_totp_secret_is_stored_encrypted(cast) -> None:
    secret = services.totp_new_secret()
    services.user_enable_totp(
        user=cast.alice, secret=secret, code=pyotp.TOTP(secret).now(), password=PASSWORD
    )
    stored = User.objects.get(pk=cast.alice.pk).totp_secret_encrypted
    assert secret not in stored
    assert User.objects.get(pk=cast.alice.pk).totp_secret == secret


def test_a_workspace_can_require_two_factor(client: Client, cast) -> None:
    cast.workspace.require_two_factor = True
    cast.workspace.save()
    client.force_login(cast.bob)
    response = client.get("/w/lumiere/")
    assert response.url == "/account/two-factor/"
    page = client.get(response.url)
    secret = client.session["palabre_new_totp_secret"]
    assert "<svg" in page.content.decode()
    # An open session is not enough: the password too.
    client.post("/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/w/lumiere/").status_code == 302
    client.post("/account/two-factor/", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert client.get("/w/lumiere/").status_code == 200


def test_two_factor_cannot_be_turned_off_where_required(client: Client, cast) -> None:
    secret = services.totp_new_secret()
    services.user_enable_totp(
        user=cast.bob, secret=secret, code=pyotp.TOTP(secret).now(), password=PASSWORD
    )
    cast.workspace.require_two_factor = True
    cast.workspace.save()
    client.force_login(cast.bob)
    client.post("/account/two-factor/disable/")
    assert User.objects.get(pk=cast.bob.pk).has_totp


def test_password_reset_sends_a_working_link(client: Client, cast) -> None:
    client.post("/password-reset/", {"email": "alice@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"new_password1": "a new long phrase", "new_password2": "a new long phrase"}
    )
    assert response.status_code == 302
    assert _login(Client(), "alice@example.com", "a new long phrase").status_code == 302


def test_password_reset_does_not_reveal_unknown_addresses(client: Client, cast) -> None:
    response = client.post("/password-reset/", {"email": "nobody@example.com"})
    assert response.url == "/password-reset/sent/"
    assert mail.outbox == []


def test_an_invitation_creates_an_account_and_membership(client: Client, cast) -> None:
    invitation = services.invitation_create(
        workspace=cast.workspace, email="Zoe@Example.com", role="editor", invited_by=cast.alice
    )
    assert invitation.token in mail.outbox[0].body
    response = client.post(
        f"/invitations/{invitation.token}/",
        {"name": "Zoé", "password": "un pain au levain", "password_again": "un pain au levain"},
    )
    assert response.url == "/w/lumiere/"
    zoe = User.objects.get(email="zoe@example.com")
    assert Membership.objects.get(user=zoe, workspace=cast.workspace).role == "editor"
    assert client.get(f"/invitations/{invitation.token}/").status_code == 410


def test_an_existing_user_accepts_when_logged_in_with_that_address(client: Client, cast) -> None:
    invitation = services.invitation_create(
        workspace=cast.other_workspace,
        email="bob@example.com",
        role="analyst",
        invited_by=cast.charlie,
    )
    client.force_login(cast.erin)
    client.post(f"/invitations/{invitation.token}/")
    assert not Membership.objects.filter(user=cast.erin, workspace=cast.other_workspace).exists()
    client.force_login(cast.bob)
    client.post(f"/invitations/{invitation.token}/")
    assert Membership.objects.filter(user=cast.bob, workspace=cast.other_workspace).exists()


def test_an_unknown_invitation_is_404(client: Client, db) -> None:
    assert client.get("/invitations/nope/").status_code == 404


def test_inviting_a_member_again_is_refused(cast) -> None:
    with pytest.raises(services.ServiceError):
        services.invitation_create(
            workspace=cast.workspace, email="bob@example.com", role="editor", invited_by=cast.alice
        )
    assert not Invitation.objects.exists()


def test_the_last_owner_cannot_leave(cast) -> None:
    owner = Membership.objects.get(user=cast.alice, workspace=cast.workspace)
    with pytest.raises(services.ServiceError):
        services.membership_update_role(membership=owner, role="editor")
    with pytest.raises(services.ServiceError):
        services.membership_remove(membership=owner)


def test_first_run_setup_creates_account_and_workspace(client: Client, db) -> None:
    assert client.get("/login/").url == "/setup/"
    response = client.post(
        "/setup/",
        {
            "your_name": "Camille",
            "email": "camille@example.com",
            "password": "pain de campagne",
            "name": "Fournil",
            "timezone": "Europe/Brussels",
        },
    )
    assert response.url == "/w/fournil/"
    assert client.get("/setup/").url == "/login/"


def test_language_switch_follows_the_person(client: Client, cast) -> None:
    client.force_login(cast.alice)
    assert "Calendrier" in client.get("/w/lumiere/").content.decode()
    client.post("/language/", {"language": "en", "next": "/w/lumiere/"})
    assert User.objects.get(pk=cast.alice.pk).language == "en"
    page = client.get("/w/lumiere/").content.decode()
    assert "Calendar" in page and 'lang="en"' in page


def test_the_owner_sets_the_cross_post_threshold(client: Client, cast) -> None:
    client.force_login(cast.alice)
    data = {"name": "Lumière", "timezone": "Europe/Paris", "crosspost_percent": 75}
    assert client.post("/w/lumiere/settings/", data).status_code == 302
    cast.workspace.refresh_from_db()
    assert cast.workspace.crosspost_threshold == 0.75


def test_a_new_time_zone_says_the_planned_posts_local_times_moved(client: Client, cast) -> None:
    """Europe/Paris to America/Montreal moved every planned post from 08:00 to 02:00, and
    the page said only "Settings saved"."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from palabre.publishing.models import Post, PostStatus

    Post.objects.create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Atelier",
        status=PostStatus.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=2),
    )
    cast.alice.language = "en"
    cast.alice.save()
    client.force_login(cast.alice)
    data = {"name": "Lumière", "timezone": "Europe/Paris", "crosspost_percent": 75}
    same = client.post("/w/lumiere/settings/", data, follow=True).content.decode()
    assert "Time zone changed" not in same
    moved = client.post(
        "/w/lumiere/settings/", data | {"timezone": "America/Montreal"}, follow=True
    ).content.decode()
    assert "Time zone changed from Europe/Paris to America/Montreal." in moved
    paris = datetime.combine(cast.workspace.local_date(), time(8), tzinfo=ZoneInfo("Europe/Paris"))
    then = paris.astimezone(ZoneInfo("America/Montreal"))  # 02:00, 03:00 when the DSTs differ
    assert "The 1 post to come keeps its moment" in moved
    assert f"08:00 there is {then:%H:%M} here" in moved
    Post.objects.all().delete()
    back = client.post("/w/lumiere/settings/", data, follow=True).content.decode()
    assert "Time zone changed from America/Montreal to Europe/Paris." in back
    assert "to come" not in back  # nothing planned: nothing moved


def test_a_person_changes_their_own_name_and_finds_their_workspaces(client: Client, cast) -> None:
    """The account page had neither: a name typed at the invitation stayed for good."""
    cast.carl.language = "en"
    cast.carl.save()
    client.force_login(cast.carl)
    page = client.get("/account/").content.decode()
    assert 'name="name" value="Carl"' in page and 'href="/w/lumiere/"' in page
    assert "Ailleurs" not in page  # not one of theirs
    refused = client.post("/account/name/", {"name": "   "}).content.decode()
    assert "This field is required." in refused
    client.post("/account/name/", {"name": "Carl Petit"})
    assert User.objects.get(pk=cast.carl.pk).name == "Carl Petit"
    # A paragraph above an invitation's link, or a name that writes the rest backwards.
    for hostile in ("Carl\n\nYour access expires: https://evil.example", "Carl\u202elivE"):
        said = client.post("/account/name/", {"name": hostile}).content.decode()
        assert "A name cannot contain a line break" in said
    for blank in ("\u200b", "\u3164"):  # drawn as nothing, wherever Carl is named
        said = client.post("/account/name/", {"name": blank}).content.decode()
        assert "A name needs at least one visible character." in said
    assert User.objects.get(pk=cast.carl.pk).name == "Carl Petit"
