"""The API's part of the demo: the bakery's n8n flow reads and writes the agenda with a
workspace token, used yesterday; and a personal token its editor tried once, then revoked.
Their secrets are thrown away: nobody can use them, as with a real token whose secret is lost."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.api.models import ApiToken, Scope
from palabre.api.tokens import token_create, token_revoke


def demo_api(workspace: Workspace, people: list[User]) -> None:
    """`people`: the demo's cast, the owner first and the editor third."""
    owner, editor = people[0], people[2]
    now = timezone.now()
    agenda, _secret = token_create(
        workspace=workspace,
        creator=owner,
        name="n8n — agenda",
        kind=ApiToken.Kind.WORKSPACE,
        scopes=[Scope.READ, Scope.WRITE],
        expires_at=now + timedelta(days=300),
    )
    ApiToken.objects.filter(pk=agenda.pk).update(
        created_at=now - timedelta(days=65), last_used_at=now - timedelta(days=1)
    )
    trial, _secret = token_create(
        workspace=workspace,
        creator=editor,
        name="Essai de script",
        kind=ApiToken.Kind.PERSONAL,
        scopes=[Scope.READ],
        expires_at=now + timedelta(days=20),
    )
    token_revoke(token=trial)
    # Its history: made ten days ago, tried the next day, revoked that evening.
    ApiToken.objects.filter(pk=trial.pk).update(
        created_at=now - timedelta(days=10),
        last_used_at=now - timedelta(days=9),
        revoked_at=now - timedelta(days=9) + timedelta(hours=6),
    )
