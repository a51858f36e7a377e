"""A hostile Graph API: every step the Facebook, Instagram and Threads connectors take,
against answers no honest network gives (wrong types, absurd numbers, ids that are paths,
usage headers out of range…), served by the Graph API double.

Each step must end as the connector interface promises: a value, or one of the four
connector errors (AuthExpired, RateLimited, Rejected, Unavailable). Any other exception is
a crash: a 500 in a view that asks the network (connecting), a worker job that fails
without telling anyone (publishing, the inbox, measuring). The test fails once per answer,
with every step that crashed, and how.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from palabre.networks.base import Connector, ConnectorError, OutgoingPost
from palabre.networks.registry import connector_class
from tests.networks.meta import channels
from tests.networks.meta.double import MetaDouble

pytestmark = pytest.mark.django_db

ANSWERS: dict[str, tuple[int, bytes, dict[str, str]]] = {
    "error code as a list": (
        400,
        json.dumps({"error": {"code": [190], "error_subcode": {"a": 1}, "message": ["m"]}}),
        {},
    ),
    "error subcode as a list": (
        400,
        json.dumps({"error": {"code": 10, "error_subcode": [2018278], "message": "m"}}),
        {},
    ),
    "error subcode as an object": (
        400,
        json.dumps({"error": {"code": 100, "error_subcode": {"x": 2207042}}}),
        {},
    ),
    "usage headers with numbers beyond floats": (
        400,
        json.dumps({"error": {"code": 4, "message": "limit"}}),
        {
            "X-App-Usage": '{"call_count": ' + "9" * 400 + "}",
            "X-Business-Use-Case-Usage": '{"1": [{"call_count": ' + "9" * 400 + "}]}",
        },
    ),
    "a wait of forever": (
        400,
        json.dumps({"error": {"code": 32, "message": "limit"}}),
        {"X-Business-Use-Case-Usage": '{"1": [{"estimated_time_to_regain_access": 1e308}]}'},
    ),
    "items of the wrong types": (
        200,
        json.dumps(
            {
                "data": ["x", 1, None, [], {"id": {"a": 1}}],
                "paging": {"next": "https://evil.example/x", "cursors": {"after": {"a": 1}}},
            }
        ),
        {},
    ),
    "fields of the wrong types": (
        200,
        json.dumps(
            {
                "id": ["1"],
                "data": [
                    {
                        "id": {"x": 1},
                        "message": ["m"],
                        "text": 5,
                        "from": "x",
                        "created_time": [1],
                        "timestamp": {"a": 1},
                        "quota_usage": "3",
                        "config": ["x"],
                        "values": "v",
                        "total_value": 1,
                    }
                ],
                "status_code": ["FINISHED"],
                "status": 7,
                "followers_count": "12",
                "success": "yes",
            }
        ),
        {},
    ),
    "absurd numbers": (
        200,
        json.dumps(
            {
                "id": "17841400000000001",
                "followers_count": -5,
                "fan_count": 10**40,
                "follows_count": -1,
                "like_count": 10**30,
                "comments_count": -3,
                "data": [
                    {
                        "quota_usage": -1,
                        "config": {"quota_total": -3, "quota_duration": 10**15},
                        "name": "reach",
                        "values": [{"value": 10**30}],
                        "total_value": {"value": -7},
                    }
                ],
            }
        ),
        {},
    ),
    "times out of range": (
        200,
        json.dumps(
            {
                "id": "17841400000000002",
                "data": [
                    {
                        "id": "17841400000000003",
                        "created_time": "9999-12-31T23:59:59-2359",
                        "timestamp": "0001-01-01T00:00:00+2359",
                        "text": "t",
                        "message": "m",
                    },
                    {"id": "17841400000000004", "created_time": 1e300, "timestamp": 1e300},
                ],
            }
        ),
        {},
    ),
    "ids that are paths": (
        200,
        json.dumps(
            {
                "id": "1/../../me?fields=access_token#",
                "post_id": "../../me/accounts",
                "message_id": "1#",
                "data": [{"id": "../../me", "timestamp": "2026-01-01T00:00:00+0000"}],
            }
        ),
        {},
    ),
    "a body that is not an object": (200, b"[1, 2, 3]", {}),
}
ANSWERS = {
    k: (status, body.encode() if isinstance(body, str) else body, headers)
    for k, (status, body, headers) in ANSWERS.items()
}


def _steps(connector: Connector, network: str) -> dict[str, Callable[[], Any]]:
    """Every step a connector takes for Palabre, with harmless arguments."""
    since = datetime.now(UTC) - timedelta(hours=1)
    target = "17841400000000009" if network != "facebook" else "1000_2000"
    steps: dict[str, Callable[[], Any]] = {
        "account_metrics": connector.account_metrics,
        "post_metrics": lambda: connector.post_metrics(remote_ids=[target]),
        "fetch_interactions": lambda: connector.fetch_interactions(cursor=None),
        "recent_posts": lambda: connector.recent_posts(since=since),
        "recent answers": lambda: connector.recent_posts(since=since, in_reply_to=target),
        "reply": lambda: connector.reply(
            to_remote_id=target, text="Merci !", idempotency_key="k", created_at=since
        ),
        "hide": lambda: connector.hide(remote_id=target),
        "unhide": lambda: connector.unhide(remote_id=target),
        "delete": lambda: connector.delete(remote_id=target),
    }
    if network != "instagram":  # Instagram publishes nothing without an image
        steps["publish"] = lambda: connector.publish(
            OutgoingPost(text="Le pain du jour", idempotency_key="k", created_at=since)
        )
    if network in ("instagram", "threads"):
        steps["publishing_limit"] = connector.publishing_limit
    if network in ("facebook", "instagram"):
        steps["private_reply"] = lambda: connector.private_reply(
            to_remote_id=target, text="Bonjour", idempotency_key="k"
        )
    return steps


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_every_step_ends_in_a_value_or_a_connector_error(
    answer: str, meta_double: MetaDouble, cast: Any
) -> None:
    status, body, headers = ANSWERS[answer]
    made = {
        "facebook": channels.facebook(meta_double, cast.workspace),
        "instagram": channels.instagram(meta_double, cast.workspace),
        "threads": channels.threads(meta_double, cast.workspace),
    }
    crashed: list[str] = []
    for network, connected in made.items():
        connector = connector_class(network)(connected.channel)
        for name, step in _steps(connector, network).items():
            meta_double.fail("*", body=body, status=status, headers=headers, times=10_000)
            try:
                step()
            except ConnectorError:
                pass
            except Exception as error:  # noqa: BLE001 (what the test is looking for)
                where = traceback.extract_tb(error.__traceback__)[-1]
                crashed.append(
                    f"{network}.{name}: {type(error).__name__}: {str(error)[:120]} "
                    f"({where.filename.rsplit('/palabre/', 1)[-1]}:{where.lineno})"
                )
            finally:
                meta_double.reset()
    assert not crashed, "\n".join(crashed)


# --- Ids are ids, never paths -------------------------------------------------------------


def test_an_id_that_is_a_path_reaches_no_other_graph_object(
    meta_double: MetaDouble, cast: Any
) -> None:
    """An interaction's remote id comes from a webhook or a Graph answer. One that is a path
    (`..`, `/`, `?`, `#`) made the connector act on another object: deleting or hiding "a
    comment" deleted the brand's own post. Refused instead, and nothing reaches the network."""
    from palabre.networks.base import Rejected

    fb = channels.facebook(meta_double, cast.workspace)
    post = meta_double.new_post(fb.page, by=fb.page.id, message="Notre pain du jour")
    comment = meta_double.fan("Fanny Fan").comment(post.id, "Miam")
    connector = connector_class("facebook")(fb.channel)
    hostile = [
        f"{comment.id}/../{post.id}",
        f"{post.id}#",
        f"{post.id}?fields=message",
        f"{comment.id}/..",
        f"../{post.id}",
        f"{post.id} ",
        "",
    ]
    meta_double.requests.clear()
    for remote_id in hostile:
        with pytest.raises(Rejected):
            connector.delete(remote_id=remote_id)
        with pytest.raises(Rejected):
            connector.hide(remote_id=remote_id)
        with pytest.raises(Rejected):
            connector.reply(to_remote_id=remote_id, text="Merci", idempotency_key="k")
    assert list(meta_double.requests) == []
    assert meta_double.get(post.id) is not None  # the brand's post is still there
    assert meta_double.get(comment.id) is not None


def test_a_mentions_ids_are_never_read_as_fields(meta_double: MetaDouble, cast: Any) -> None:
    """An Instagram mention is read back with its ids inside the `fields` parameter (field
    expansion): an id holding `)` or `{` would ask for other fields of the account."""
    from palabre.networks.base import Rejected

    ig = channels.instagram(meta_double, cast.workspace)
    connector = connector_class("instagram")(ig.channel)
    meta_double.requests.clear()
    for media_id, comment_id in (("1){id},name{", ""), ("17841400000000001", "2){id},name{")):
        with pytest.raises(Rejected):
            connector.mention(media_id=media_id, comment_id=comment_id)
    assert list(meta_double.requests) == []
