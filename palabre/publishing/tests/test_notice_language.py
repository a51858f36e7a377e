"""A notice is said in its reader's language each time it is shown, whatever language it was
written in; its e-mail goes at once in the recipient's, and quotes what people wrote cut at
a word, with an ellipsis."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from palabre.channels.services import channel_create_demo
from palabre.publishing import workflow
from palabre.publishing.models import Notice
from palabre.publishing.notices import notice_send, notice_text, sentence
from palabre.publishing.services import post_create

IDEA = "Pain"
LONG_IDEA = (
    "Atelier pain au levain samedi matin pour les enfants du quartier, avec dégustation "
    "de brioches et de chocolat chaud offerts"
)


def _submit(cast, idea: str = IDEA) -> None:
    channel_create_demo(workspace=cast.workspace, network="x", name="X")
    post = post_create(
        workspace=cast.workspace, author=cast.erin, idea=idea, category="helpful", networks=["x"]
    )
    workflow.post_submit(post=post, actor=cast.erin)  # anna, the approver, is told


def _page(client: Client, user, language: str) -> str:
    user.language = language
    user.save()
    client.force_login(user)
    return client.get("/w/lumiere/notices/").content.decode()


def test_a_notice_written_in_french_reads_in_english_for_an_english_reader(
    client: Client, cast
) -> None:
    _submit(cast)  # anna reads French when it is written
    assert Notice.objects.get(user=cast.anna).text.startswith("Une publication attend")
    page = _page(client, cast.anna, "en")
    assert "A post waits for your approval: “Pain”." in page
    assert "attend votre validation" not in page


def test_and_back_in_french(client: Client, cast) -> None:
    cast.anna.language = "en"
    cast.anna.save()
    _submit(cast)
    assert "Une publication attend votre validation : « Pain »." in _page(client, cast.anna, "fr")


def test_the_email_goes_in_the_recipients_language(cast) -> None:
    cast.anna.language = "en"
    cast.anna.save()
    with translation.override("fr"):  # whatever language the sender's request was in
        _submit(cast)
    [email] = mail.outbox
    assert email.to == ["anna@example.com"]
    assert email.body.startswith("A post waits for your approval: “Pain”.")


def test_an_email_quotes_what_people_wrote_cut_at_a_word(cast) -> None:
    _submit(cast, idea=LONG_IDEA)
    [email] = mail.outbox
    quoted = email.body.split("«\u00a0")[1].split("\u00a0»")[0]
    assert quoted.endswith("…") and len(quoted) <= workflow.IDEA_QUOTED
    assert LONG_IDEA.startswith(quoted.removesuffix("…"))
    assert LONG_IDEA[len(quoted) - 1] == " "  # the next character: the cut fell between words


def test_a_notices_sentences_and_values_are_said_in_the_readers_language(cast) -> None:
    notice = notice_send(
        workspace=cast.workspace,
        user=cast.alice,
        message="The week of %(day)s ended under the time planned. %(details)s",
        params={
            "day": "2026-11-09",
            "details": [
                sentence(
                    "%(network)s: %(spent)s of its %(budget)s budget.",
                    network={"network": "facebook"},
                    spent={"minutes": 40},
                    budget={"minutes": 90},
                )
            ],
        },
        url="/w/lumiere/time/",
        email=False,
    )
    with translation.override("en"):
        assert notice_text(notice).endswith("Facebook Page: 40 min of its 1 h 30 min budget.")
    with translation.override("fr"):
        assert "Page Facebook : 40 min" in notice_text(notice)


def test_a_channel_is_named_once_in_a_notice(cast) -> None:
    notice = notice_send(
        workspace=cast.workspace,
        user=cast.alice,
        message="%(channel)s needs reconnecting: the network no longer accepts Palabre's "
        "access. Posts for it wait until someone reconnects it in Settings → Channels.",
        params={"channel": {"channel": "Page Facebook Lumière", "network": "facebook"}},
        url="/",
        email=False,
    )
    for language in ("fr", "en"):
        with translation.override(language):
            said = notice_text(notice)
        assert said.count("Page Facebook") == 1 and "(Facebook Page)" not in said


def test_a_notice_written_before_messages_shows_its_text(client: Client, cast) -> None:
    Notice.objects.create(workspace=cast.workspace, user=cast.bob, text="Ancien avis", url="/")
    assert "Ancien avis" in _page(client, cast.bob, "en")


@pytest.mark.parametrize("params", [{}, {"other": 1}, {"idea": {"network": "myspace"}}])
def test_a_message_its_values_no_longer_fill_falls_back_on_its_text(cast, params) -> None:
    notice = Notice.objects.create(
        workspace=cast.workspace,
        user=cast.bob,
        message="A post waits for your approval: “%(idea)s”.",
        params=params,
        text="As sent",
    )
    with translation.override("en"):
        assert notice_text(notice) == "As sent"


def test_a_day_in_a_notice_is_written_in_the_readers_language(cast) -> None:
    from palabre.channels.grants import LINKEDIN_EXPIRES

    notice = Notice.objects.create(
        workspace=cast.workspace,
        user=cast.alice,
        message=LINKEDIN_EXPIRES,
        params={"channel": "Lumière", "day": {"day": "2026-12-04"}},
    )
    with translation.override("fr"):
        assert "le 4 décembre 2026" in notice_text(notice)
    with translation.override("en"):
        assert "ends on 4 December 2026" in notice_text(notice)
