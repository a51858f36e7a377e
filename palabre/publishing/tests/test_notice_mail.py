"""A notice's e-mail goes once the notice is committed (found by an audit: an inbox poll
rolled back and read again, after the stream stored one of its comments, e-mailed its
alerts twice on PostgreSQL, the first linking to a comment that was never committed)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from palabre.publishing.models import Notice
from palabre.publishing.notices import notice_send


class RolledBack(Exception):
    pass


@pytest.mark.mailed_on_commit
@pytest.mark.django_db(transaction=True)
def test_a_notice_rolled_back_sends_no_e_mail_and_a_committed_one_sends_one(cast) -> None:
    said = {"workspace": cast.workspace, "user": cast.bob, "params": {"idea": "Pain"}}
    with pytest.raises(RolledBack), transaction.atomic():
        notice_send(message="“%(idea)s” waits.", url="/w/lumiere/inbox/1/", **said)
        assert mail.outbox == []  # not before the commit
        raise RolledBack
    assert mail.outbox == [] and not Notice.objects.exists()
    with transaction.atomic():
        notice_send(message="“%(idea)s” waits.", url="/w/lumiere/inbox/2/", **said)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert mail.outbox[0].body.endswith("/w/lumiere/inbox/2/\n")
