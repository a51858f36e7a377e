"""A phone with the authenticator app lost: whoever runs Palabre turns two-factor login
off for that account (`palabre two-factor-off`), and the person is told by e-mail."""

from __future__ import annotations

import html
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from palabre.accounts.models import User
from palabre.accounts.tests.test_trust import PASSWORD, _enable_totp


def test_the_command_turns_it_off_and_tells_the_person(cast: Any) -> None:
    _enable_totp(cast.bob)
    User.objects.filter(pk=cast.bob.pk).update(language="fr")
    out = StringIO()
    call_command("two-factor-off", " Bob@Example.com ", stdout=out)
    assert not User.objects.get(pk=cast.bob.pk).has_totp
    assert "bob@example.com" in out.getvalue()
    [told] = mail.outbox
    assert told.to == ["bob@example.com"]
    assert "désactivée" in told.subject and "/account/" in told.body
    # Their password alone logs them in now.
    client = Client()
    answer = client.post("/login/", {"email": "bob@example.com", "password": PASSWORD})
    assert answer.status_code == 302 and "_auth_user_id" in client.session


def test_an_unknown_address_or_an_account_without_it_changes_nothing(cast: Any) -> None:
    with pytest.raises(CommandError, match="nobody@example.com"):
        call_command("two-factor-off", "nobody@example.com", stdout=StringIO())
    out = StringIO()
    call_command("two-factor-off", "erin@example.com", stdout=out)
    assert "erin@example.com" in out.getvalue() and mail.outbox == []


def test_the_code_page_says_what_to_do_when_the_phone_is_lost(cast: Any) -> None:
    _enable_totp(cast.alice)
    client = Client()
    client.post("/login/", {"email": "alice@example.com", "password": PASSWORD})
    page = html.unescape(client.get("/login/code/").content.decode())
    assert "Vous avez perdu le téléphone" in page


def test_a_notice_that_could_not_be_sent_is_said_to_whoever_ran_the_command(
    cast: Any, settings: Any, monkeypatch: Any
) -> None:
    import smtplib

    from palabre.accounts import services

    _enable_totp(cast.bob)

    def refused(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(services, "send_mail", refused)
    with pytest.raises(CommandError, match="tell them yourself"):
        call_command("two-factor-off", "bob@example.com", stdout=StringIO())
    assert not User.objects.get(pk=cast.bob.pk).has_totp  # off all the same: the way back in
