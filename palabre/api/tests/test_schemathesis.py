"""Schemathesis against the live OpenAPI document, through the WSGI application.

Every operation is called with inputs generated from the document (and the links between
operations where the document gives them), with tokens of each scope of a workspace that
has data; each answer must not be a 5xx, must match the document (status, content type,
body), and a token without an operation's scope never gets a 2xx; a token of the other
workspace, with every scope, never sees this one's data nor gets a 2xx on an object.
Ids generated at random rarely hit a real object: test_cross_workspace.py uses real ones.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from palabre.api.access import DECLARED
from palabre.api.models import Scope
from palabre.api.tokens import token_create
from palabre.channels.services import channel_create_demo
from palabre.inbox.tests.helpers import comment, poll, published


@pytest.fixture
def api_schema(db):  # type: ignore[no-untyped-def]
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    # Django's own WSGI handler, not palabre.wsgi: importing that turns on the web server's
    # batching of clicks for the rest of the test process.
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(cast):  # type: ignore[no-untyped-def]
    target = published(cast.workspace, cast.bob)
    for n, text in enumerate(("Ouvert dimanche ?", "Déçu par la commande", "Merci !")):
        comment(target, text, handle=f"@p{n}")
    poll(target.channel)
    made = {}
    for scope in Scope.values:
        _token, secret = token_create(
            workspace=cast.workspace,
            creator=cast.alice,
            name=scope,
            kind="workspace",
            scopes=[scope],
            expires_at=timezone.now() + timedelta(days=1),
        )
        made[scope] = secret
    # The other workspace's owner, every scope: none of this workspace's data, ever.
    _token, made[OUTSIDER] = token_create(
        workspace=cast.other_workspace,
        creator=cast.charlie,
        name="outsider",
        kind="workspace",
        scopes=list(Scope.values),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return made


OUTSIDER = "outsider"
THEIRS = ("Ouvert dimanche", "Déçu par la commande", "Lumière")


def _calls_answer_as_documented(operation, needed: str, tokens: dict[str, str]):  # type: ignore[no-untyped-def]
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    def check(case) -> None:  # type: ignore[no-untyped-def]
        for scope, secret in tokens.items():
            # identity: the WSGI client does not unpack what the middleware compresses
            case.headers = {
                **(case.headers or {}),
                "Authorization": f"Bearer {secret}",
                "Accept-Encoding": "identity",
            }
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            if scope == OUTSIDER:  # another workspace's token: nothing of this one shows
                assert not any(text in response.text for text in THEIRS), (case.method, case.path)
                if "{pk}" in case.path:
                    assert not 200 <= response.status_code < 300, (case.method, case.path)
            elif scope != needed:  # refused (403), or no such object or address (404)
                assert response.status_code in (403, 404), (scope, case.method, case.path)
            else:
                # A cursor the document cannot describe better than "a string" is refused
                # with a 422: not a defect, so that one check is left out.
                case.validate_response(response, excluded_checks=[positive_data_acceptance])

    return check


def test_the_api_answers_every_generated_call_as_documented(api_schema, tokens, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PALABRE_API_RATE_PER_MINUTE = 100_000
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        needed = DECLARED[operation.definition.raw["operationId"]][1].value
        _calls_answer_as_documented(operation, needed, tokens)()


def test_chains_of_calls_follow_the_links_schemathesis_finds(
    api_schema, cast, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Stateful: what one call creates (a post, a media item, a note) the next reads, edits
    or moves, along the links Schemathesis infers from the document (an id in a body, a
    Location header). A token with every scope: the chains go as far as the rules allow."""
    settings.PALABRE_API_RATE_PER_MINUTE = 100_000
    settings.MEDIA_ROOT = tmp_path / "media"  # its own: parallel test workers share var/
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    _token, secret = token_create(
        workspace=cast.workspace,
        creator=cast.alice,
        name="stateful",
        kind="workspace",
        scopes=list(Scope.values),
        expires_at=timezone.now() + timedelta(days=1),
    )
    base = api_schema.as_state_machine()

    class Chains(base):  # type: ignore[misc,valid-type]
        def before_call(self, case):  # type: ignore[no-untyped-def]
            case.headers = {
                **(case.headers or {}),
                "Authorization": f"Bearer {secret}",
                "Accept-Encoding": "identity",
            }

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            # The token is set on the case here, after Schemathesis made it: its check of
            # "invalid auth accepted" would take ours for one it generated (test_api_machinery
            # covers bad tokens).
            case.validate_response(
                response, excluded_checks=[positive_data_acceptance, ignored_auth]
            )

    Chains.run(
        settings=hypothesis_settings(
            max_examples=8,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
