"""Issue 14, accounts: throttles that hold under parallel requests, one-time codes that are
used once, two-factor login that only its owner turns off, names that cannot break an e-mail."""

from __future__ import annotations

import html
import threading
import time
from typing import Any

import pyotp
import pytest
from django.core import mail
from django.db import connections
from django.test import Client

from palabre.accounts import services
from palabre.accounts.models import Invitation, User, Workspace

PASSWORD = "correct horse battery"


def _enable_totp(user: User) -> pyotp.TOTP:
    """Two-factor login on, set up with the previous step's code (still valid): the current
    code stays unused for the test to log in with."""
    totp = pyotp.TOTP(services.totp_new_secret())
    services.user_enable_totp(
        user=user, secret=totp.secret, code=totp.at(time.time() - 30), password=PASSWORD
    )
    return totp


class _CountingChecks:
    """Counts password checks (and slows each a little, so that parallel requests overlap)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> None:
        self.count = 0
        self._lock = threading.Lock()
        original = User.check_password

        def check_password(user: User, raw: str) -> bool:
            with self._lock:
                self.count += 1
            time.sleep(delay)
            return original(user, raw)

        monkeypatch.setattr(User, "check_password", check_password)


def _wrong_password_at_once(threads: int) -> list[int]:
    barrier = threading.Barrier(threads)
    statuses: list[int] = []

    def attempt() -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(
                "/login/", {"email": "alice@example.com", "password": "wrong guess"}
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_observation_10_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
    cast: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Observation 10: twenty wrong passwords sent at once on PostgreSQL; at most the limit
    (five) reach the password check, the others are throttled."""
    checks = _CountingChecks(monkeypatch, delay=0.05)
    statuses = _wrong_password_at_once(20)
    assert statuses == [200] * 20
    assert 1 <= checks.count <= settings.LOGIN_MAX_FAILURES
    # And the right password now waits as well.
    response = Client().post("/login/", {"email": "alice@example.com", "password": PASSWORD})
    assert "_auth_user_id" not in response.client.session


def test_observation_10_sequential_attempts_stop_at_the_limit(
    client: Client, cast: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Observation 10, one request after another (SQLite too): the limit holds."""
    checks = _CountingChecks(monkeypatch)
    for _ in range(settings.LOGIN_MAX_FAILURES + 5):
        client.post("/login/", {"email": "alice@example.com", "password": "wrong guess"})
    assert checks.count == settings.LOGIN_MAX_FAILURES


def test_observation_10_codes_are_throttled_too(client: Client, cast: Any, settings: Any) -> None:
    """Observation 10: the two-factor code page shares the limit of the address."""
    totp = _enable_totp(cast.alice)
    client.post("/login/", {"email": "alice@example.com", "password": PASSWORD})
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/login/code/", {"code": "000000"})
    response = client.post("/login/code/", {"code": totp.now()})
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_observation_11_a_code_logs_in_once(cast: Any) -> None:
    """Observation 11: the same code, typed in two sessions, logs in only the first."""
    totp = _enable_totp(cast.alice)
    code = totp.now()
    first, second = Client(), Client()
    for client in (first, second):
        client.post("/login/", {"email": "alice@example.com", "password": PASSWORD})
    assert first.post("/login/code/", {"code": code}).status_code == 302
    refused = second.post("/login/code/", {"code": code})
    assert refused.status_code == 200
    assert "_auth_user_id" not in second.session
    assert "déjà servi" in html.unescape(refused.content.decode())


def test_observation_11_turning_two_factor_off_needs_the_password_and_a_code(
    client: Client, cast: Any
) -> None:
    """Observation 11: a logged-in session alone cannot turn two-factor login off."""
    totp = _enable_totp(cast.bob)
    client.force_login(cast.bob)
    url = "/account/two-factor/disable/"
    nothing = client.post(url, follow=True)
    assert User.objects.get(pk=cast.bob.pk).has_totp
    assert "mot de passe" in html.unescape(nothing.content.decode())
    wrong_password = client.post(url, {"password": "nope", "code": totp.now()}, follow=True)
    assert User.objects.get(pk=cast.bob.pk).has_totp
    assert "Ce mot de passe n’est pas le bon" in html.unescape(wrong_password.content.decode())
    wrong_code = client.post(url, {"password": PASSWORD, "code": "000000"}, follow=True)
    assert User.objects.get(pk=cast.bob.pk).has_totp
    assert "code n’est pas valide" in html.unescape(wrong_code.content.decode())
    client.post(url, {"password": PASSWORD, "code": totp.now()})
    assert not User.objects.get(pk=cast.bob.pk).has_totp


def test_observation_17_a_line_break_in_a_workspace_name_is_refused(
    client: Client, cast: Any
) -> None:
    """Observation 17: the settings form refuses control characters in the name, and keeps
    the rest of what was typed."""
    client.force_login(cast.alice)
    data = {"name": "Lumière\r\nBcc: x@example.com", "timezone": "Asia/Tokyo"}
    response = client.post("/w/lumiere/settings/", data | {"crosspost_percent": 80})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "saut de ligne" in page and "Asia/Tokyo" in page
    assert Workspace.objects.get(pk=cast.workspace.pk).name == "Lumière"
    with pytest.raises(services.ServiceError):
        services.workspace_create(name="Nouvel\tespace", owner=cast.alice)


def test_observation_17_an_old_name_with_a_line_break_still_sends_the_invitation(
    client: Client, cast: Any
) -> None:
    """Observation 17: a name stored before the rule still gets its invitation e-mail out,
    with the line break gone from the subject."""
    Workspace.objects.filter(pk=cast.workspace.pk).update(name="Lumière\nBcc: x@example.com")
    client.force_login(cast.alice)
    response = client.post(
        "/w/lumiere/settings/members/", {"email": "zoe@example.com", "role": "editor"}
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="zoe@example.com").exists()
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Lumière Bcc: x@example.com" in message.subject


def test_a_code_in_other_digits_is_refused_plainly(client: Client, cast: Any) -> None:
    _enable_totp(cast.alice)
    client.post("/login/", {"email": "alice@example.com", "password": PASSWORD})
    response = client.post("/login/code/", {"code": "١٢٣٤٥٦"})
    assert response.status_code == 200
    assert "n’est pas valide" in html.unescape(response.content.decode())


def test_a_logged_in_session_alone_cannot_replace_two_factor(client: Client, cast: Any) -> None:
    """A session left open gets no new secret in place of the owner's: moving two-factor
    login to another app needs the password and a current code of the app in use."""
    old = _enable_totp(cast.alice)
    client.force_login(cast.alice)
    url = "/account/two-factor/"
    assert client.get(url).status_code == 200
    new = pyotp.TOTP(client.session["palabre_new_totp_secret"])
    alone = client.post(url, {"code": new.now()})
    assert alone.status_code == 200
    assert User.objects.get(pk=cast.alice.pk).totp_secret == old.secret
    assert "mot de passe" in html.unescape(alone.content.decode())
    wrong = {"password": "nope", "current_code": old.now(), "code": new.now()}
    refused = client.post(url, wrong)
    assert "Ce mot de passe n’est pas le bon" in html.unescape(refused.content.decode())
    assert User.objects.get(pk=cast.alice.pk).totp_secret == old.secret
    right = {"password": PASSWORD, "current_code": old.now(), "code": new.now()}
    assert client.post(url, right).status_code == 302
    assert User.objects.get(pk=cast.alice.pk).totp_secret == new.secret
    third = pyotp.TOTP(services.totp_new_secret())
    with pytest.raises(services.ServiceError):
        services.user_enable_totp(
            user=cast.alice,
            secret=third.secret,
            code=third.at(time.time() + 30),
            password=PASSWORD,
        )
