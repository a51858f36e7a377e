"""A conversation's history says what was done with it: answers and thanks too."""

from __future__ import annotations

from django.test import Client

from palabre.inbox import services
from palabre.inbox.models import Interaction
from palabre.inbox.tests.helpers import comment, poll, published, run_worker


def test_the_history_lists_the_answers_and_thanks_sent_newest_first(cast) -> None:
    target = published(cast.workspace, cast.alice, network="bluesky")
    comment(target, "Vous ouvrez dimanche ?", handle="@hugo", name="Hugo")
    comment(target, "Merci pour le pain d'hier, un régal !", handle="@ines", name="Inès")
    poll(target.channel)
    question = Interaction.objects.get(text__startswith="Vous ouvrez")
    praise = Interaction.objects.get(text__startswith="Merci")
    services.interaction_reply(interaction=question, actor=cast.bob, text="Oui, de 8 h à 13 h.")
    thanks = services.interaction_thank(interaction=praise, actor=cast.bob)
    assert thanks.thanks and not question.replies.get().thanks
    client = Client()
    client.force_login(cast.bob)
    waiting = client.get(f"/w/lumiere/inbox/{praise.pk}/").content.decode()
    # Not yet sent: it said "Thanks sent" while no worker had taken it.
    assert "Remerciement · Envoi en cours" in waiting.split('class="events small"')[1]
    run_worker()

    client = Client()
    client.force_login(cast.bob)
    asked = client.get(f"/w/lumiere/inbox/{question.pk}/").content.decode()
    thanked = client.get(f"/w/lumiere/inbox/{praise.pk}/").content.decode()
    assert 'data-history="reply"' in asked and 'data-history="thanks"' not in asked
    assert 'data-history="thanks"' in thanked
    history = thanked[thanked.index('class="events small"') :]
    assert "Remerciement envoyé" in history and "Bob" in history  # the French interface
    # An answer that failed was called "Answer sent · Failed".
    question.replies.update(status="failed", error="403 Forbidden")
    asked = client.get(f"/w/lumiere/inbox/{question.pk}/").content.decode()
    history = asked[asked.index('class="events small"') :].split("</ul>")[0]
    assert "Réponse · Échec" in history and "envoyée" not in history
