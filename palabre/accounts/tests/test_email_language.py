"""E-mails go in their recipient's language: the account's choice, else the instance's;
never the language of whoever's browser caused them."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from palabre.accounts.models import Role, User
from palabre.accounts.services import invitation_create


def test_an_invitation_to_an_account_speaks_its_language(cast) -> None:
    User.objects.create_user("lea@example.com", "x" * 12, language="en")
    invitation_create(
        workspace=cast.other_workspace,
        email="Lea@Example.com",
        role=Role.EDITOR,
        invited_by=cast.charlie,
    )
    [email] = mail.outbox
    assert email.subject == "You are invited to Ailleurs on Palabre"
    assert "Accept the invitation:" in email.body


def test_an_invitation_to_a_new_address_speaks_the_instances(cast, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    cast.alice.language = "en"  # the inviter reads English: the team may not
    cast.alice.save()
    invitation_create(
        workspace=cast.workspace, email="new@example.com", role=Role.EDITOR, invited_by=cast.alice
    )
    [email] = mail.outbox
    assert email.subject == "Vous êtes invité·e à rejoindre Lumière sur Palabre"


def test_a_password_reset_speaks_the_accounts_language(client: Client, cast) -> None:
    cast.alice.language = "en"
    cast.alice.save()
    client.post("/password-reset/", {"email": "alice@example.com"}, HTTP_ACCEPT_LANGUAGE="fr")
    [email] = mail.outbox
    assert email.subject == "Choose a new Palabre password"
    cast.bob.language = "fr"
    cast.bob.save()
    client.post("/password-reset/", {"email": "bob@example.com"}, HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox[1].subject == "Choisissez un nouveau mot de passe Palabre"
