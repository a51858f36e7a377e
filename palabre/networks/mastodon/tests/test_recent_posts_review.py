"""Review of issue 15 (r1): reconciliation must not conclude "not sent" from a read-back
that never reached the moment the send began."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from palabre.channels.models import Channel
from palabre.networks.mastodon.connector import RECENT_PAGES, MastodonConnector
from palabre.networks.reconcile import NotThere, Sent, look_for

ME = {"id": "1", "username": "lumiere", "acct": "lumiere"}
OTHER = {"id": "2", "username": "voisin", "acct": "voisin@ailleurs.example"}


class _BusyHome:
    """A home timeline where followed accounts wrote more since the send began than
    RECENT_PAGES pages hold; the account's own list omits followers-only posts (Takahē)."""

    def __init__(self, began: datetime) -> None:
        self.began = began
        count = RECENT_PAGES * 40 + 10
        newest = began + timedelta(minutes=5)
        self.home = [
            {
                "id": str(10_000 - i),
                "account": OTHER,
                "content": f"<p>post {i}</p>",
                "created_at": newest - timedelta(seconds=i / 10),
            }
            for i in range(count)
        ]
        ours = {
            "id": "5000",
            "account": ME,
            "content": "<p>Le pain du jour est prêt.</p>",
            "created_at": began + timedelta(seconds=1),
            "visibility": "private",
            "media_attachments": [],
        }
        self.home.append(ours)

    def account_verify_credentials(self) -> dict:
        return {"id": "1"}

    def timeline_home(self, max_id=None, limit=40) -> list:
        start = (
            0
            if max_id is None
            else next(i for i, s in enumerate(self.home) if s["id"] == max_id) + 1
        )
        return self.home[start : start + limit]

    def account_statuses(self, account_id, max_id=None, limit=40) -> list:
        return []  # Takahē's own list: no followers-only post


def test_a_read_back_cut_short_is_not_taken_for_nothing_sent(cast, monkeypatch) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name="T"
    )
    channel.save_credentials({"instance": "https://takahe.example", "access_token": "t"})
    began = datetime.now(UTC) - timedelta(hours=2)
    fake = _BusyHome(began)
    monkeypatch.setattr(MastodonConnector, "api", lambda self: fake)
    connector = channel.get_connector()
    outcome = look_for(connector, Sent("Le pain du jour est prêt.", began), recorded=set())
    # Not found within the pages read, but they never reached `began`: resending would
    # duplicate the post that is there. A person (or a deeper read) must decide.
    assert not isinstance(outcome, NotThere)
