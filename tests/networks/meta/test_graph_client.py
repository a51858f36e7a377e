"""Palabre's own Graph client (palabre/networks/meta/graph.py) against the double: through
the outbound guard, with appsecret_proof, following cursors, and turning the double's
documented errors into the connector's four. Proves the double and the client speak the
same Graph, so connectors built on both can trust their tests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from palabre.networks.base import AuthExpired, RateLimited, Rejected, Unavailable
from palabre.networks.meta.graph import Graph
from tests.networks.meta.double import MetaDouble


@pytest.fixture
def page_graph(meta_double: MetaDouble) -> tuple[Graph, Any, MetaDouble]:
    admin = meta_double.person("Gaston Graph")
    page = meta_double.page(admin, "Graphothèque", followers=42)
    meta_double.require_proof = True  # the client always sends it: the double insists
    graph = Graph(
        base_url=meta_double.graph_url,
        version=meta_double.version,
        token=meta_double.page_token(page),
        app_secret=meta_double.app.secret,
    )
    return graph, page, meta_double


def test_reads_and_writes_with_proof(page_graph: tuple[Graph, Any, MetaDouble]) -> None:
    graph, page, double = page_graph
    assert graph.get(page.id, fields="name,followers_count") == {
        "name": "Graphothèque",
        "followers_count": 42,
        "id": page.id,
    }
    created = graph.post(f"{page.id}/feed", data={"message": "Bonjour", "published": True})
    assert [p.id for p in double.posts(page)] == [created["id"]]
    assert double.requests[-1][2]["appsecret_proof"]  # sent, and checked by the double


def test_edge_follows_cursors_to_the_end(page_graph: tuple[Graph, Any, MetaDouble]) -> None:
    graph, page, double = page_graph
    made = [double.new_post(page, by=page.id, message=f"n°{i}") for i in range(7)]
    seen = [item["id"] for item in graph.edge(f"{page.id}/published_posts", limit=3, fields="id")]
    assert seen == [p.id for p in reversed(made)]


def test_documented_errors_become_the_connector_errors(
    page_graph: tuple[Graph, Any, MetaDouble],
) -> None:
    graph, page, double = page_graph
    base = f"/{double.version}/{page.id}"
    double.fail(
        base, code=190, subcode=463, message="Error validating access token: Session has expired"
    )
    with pytest.raises(AuthExpired):
        graph.get(page.id)
    double.rate_limit(base, code=32, regain_minutes=9, business_id=page.id)
    with pytest.raises(RateLimited) as limited:
        graph.get(page.id)
    assert limited.value.retry_after == 9 * 60
    assert graph.last_usage == 100.0
    double.fail(base, code=2, message="Service temporarily unavailable")
    with pytest.raises(Unavailable):
        graph.get(page.id)
    double.fail(base, code=368, message="(#368) The action attempted has been deemed abusive")
    with pytest.raises(Rejected):
        graph.get(page.id)
    double.malformed(base)
    with pytest.raises(Unavailable):
        graph.get(page.id)
    with pytest.raises(Rejected, match="nonexisting field"):
        graph.get(page.id, fields="nope")
    assert graph.get(page.id)["id"] == page.id  # and then it works again


def test_a_revoked_token_is_auth_expired(page_graph: tuple[Graph, Any, MetaDouble]) -> None:
    graph, page, double = page_graph
    double.revoke(graph.token, subcode=460)
    with pytest.raises(AuthExpired):
        graph.get(page.id)


def test_threads_through_the_same_client(meta_double: MetaDouble) -> None:
    user = meta_double.threads_user("client.threads")
    graph = Graph(
        base_url=meta_double.threads_graph_url,
        version=meta_double.threads_version,
        token=meta_double.threads_token(user),
        app_secret=meta_double.threads_app.secret,
    )
    container = graph.post(
        f"{user.id}/threads",
        data={"media_type": "TEXT", "text": "Salut", "reply_control": "everyone"},
    )
    assert graph.get(container["id"], fields="status")["status"] == "FINISHED"
    published = graph.post(f"{user.id}/threads_publish", data={"creation_id": container["id"]})
    limits = graph.get(f"{user.id}/threads_publishing_limit", fields="quota_usage,config")
    assert limits["data"][0]["quota_usage"] == 1
    assert [m["id"] for m in graph.edge(f"{user.id}/threads", fields="id,text")] == [
        published["id"]
    ]
    assert json.loads(json.dumps(limits))["data"][0]["config"]["quota_total"] == 250


@pytest.mark.parametrize("minutes", ["1e308", "1e999", "99999999999", "-5", '"soon"'])
def test_a_rate_limits_wait_is_never_beyond_a_day(
    page_graph: tuple[Graph, Any, MetaDouble], minutes: str
) -> None:
    """Whatever wait the usage header states, the worker can date the next attempt, and a
    channel is never put off for more than a day."""
    from datetime import timedelta

    from django.utils import timezone

    from palabre.channels.connectors import wait_out

    graph, page, double = page_graph
    entry = '{"type": "pages", "estimated_time_to_regain_access": ' + minutes + "}"
    usage = f'{{"{page.id}": [{entry}]}}'
    double.fail(
        f"/{double.version}/{page.id}",
        code=32,
        message="(#32) Page request limit reached",
        headers={"X-Business-Use-Case-Usage": usage},
        status=400,
    )
    with pytest.raises(RateLimited) as limited:
        graph.get(page.id)
    retry = wait_out(limited.value)
    assert timezone.now() < retry.when <= timezone.now() + timedelta(days=1, seconds=5)


def test_an_answer_slow_to_check_is_read_at_once(
    page_graph: tuple[Graph, Any, MetaDouble],
) -> None:
    """A string left open full of escaped quotes (the JSON depth check took quadratic time:
    a few megabytes held a worker for days): unreadable, said at once."""
    import time

    graph, page, double = page_graph
    double.malformed(f"/{double.version}/{page.id}", body=b'{"a": "' + b'\\"' * 40_000, status=200)
    started = time.monotonic()
    with pytest.raises(Unavailable):
        graph.get(page.id)
    assert time.monotonic() - started < 3
