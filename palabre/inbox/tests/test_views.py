"""What a person does in the inbox, through the pages, and what reaches the network."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from palabre.inbox.models import EventAction, Interaction, ModerationEvent, Note, Reply, SavedReply
from palabre.inbox.tests.helpers import comment, ingested, poll, published, run_worker
from palabre.lib.tests.csvfiles import csv_rows
from palabre.networks.demo.models import DemoActivity, DemoPost


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob)


def test_the_answer_first_queue_lists_questions_and_criticism_oldest_first(bob, target) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    comment(target, "Merci, super pain !", at=now - timedelta(hours=3))
    comment(target, "Déçu, la commande était froide.", at=now - timedelta(hours=1))
    comment(target, "Ouvert dimanche ?", at=now - timedelta(hours=2))
    comment(target, "Je vais te tuer, pauvre type", at=now - timedelta(hours=4), handle="@troll")
    poll(target.channel)
    page = bob.get("/w/lumiere/inbox/").content.decode()
    assert page.index("Ouvert dimanche") < page.index("Déçu, la commande")
    assert "Merci, super pain" not in page and "te tuer" not in page
    hidden = bob.get("/w/lumiere/inbox/?q=hidden").content.decode()
    assert "te tuer" in hidden
    # "All" shows open and done alike, and its filter says so (it said "Open").
    assert '<option value="any" selected>' in bob.get("/w/lumiere/inbox/?q=all").content.decode()
    everything = bob.get("/w/lumiere/inbox/?q=all&category=praise").content.decode()
    assert "Merci, super pain" in everything and "Ouvert dimanche" not in everything
    # Words apart, in any order, and people by their name.
    found = bob.get("/w/lumiere/inbox/?q=all&text=pain+merci").content.decode()
    assert "Merci, super pain" in found and "Ouvert dimanche" not in found
    assert "te tuer" in bob.get("/w/lumiere/inbox/?q=all&text=troll").content.decode()


def test_a_posts_page_leads_to_what_answers_it_in_the_inbox(cast, bob, target) -> None:
    """A post's page said nothing of the replies to it; the inbox had no way to show them."""
    other = published(cast.workspace, cast.bob, network="bluesky")
    comment(target, "Ouvert dimanche ?")
    comment(target, "Merci !")
    comment(other, "Et le pain aux noix ?")
    poll(target.channel)
    poll(other.channel)
    page = bob.get(f"/w/lumiere/posts/{target.post_id}/").content.decode()
    link = f'href="/w/lumiere/inbox/?q=all&amp;post={target.post_id}" data-talk>2 réponses'
    assert link in page
    inbox = bob.get(f"/w/lumiere/inbox/?q=all&post={target.post_id}").content.decode()
    assert "Ouvert dimanche" in inbox and "Merci" in inbox and "noix" not in inbox
    assert "data-about-post" in inbox and f'name="post" value="{target.post_id}"' in inbox
    theirs = published(cast.other_workspace, cast.charlie)
    elsewhere = bob.get(f"/w/lumiere/inbox/?q=all&post={theirs.post_id}").content.decode()
    # Said, not read as "no replies" (an attack: "nothing matches" hid that it was not here);
    # the queue then is the whole queue, as for any filter that does not hold.
    assert "data-about-post" not in elsewhere and "noix" in elsewhere
    assert "Publication (cette publication n’existe pas dans cet espace de travail)" in elsewhere
    for wrong in ("abc", "9" * 30, "-1"):  # a filter that reads nothing: the whole queue
        assert "noix" in bob.get(f"/w/lumiere/inbox/?q=all&post={wrong}").content.decode()


def test_a_filter_that_no_longer_holds_leaves_the_others_applied_and_says_so(
    cast, bob, target
) -> None:
    """A bookmark whose channel was removed listed the whole queue, its search ignored
    with its words still in the box, and nothing said why (an attack on the filters). And
    a search that found nothing said the inbox was empty."""
    comment(target, "La fougasse aux olives, dispo samedi ?")
    comment(target, "Bonjour !")
    poll(target.channel)
    page = bob.get("/w/lumiere/inbox/?q=all&channel=999999&text=fougasse").content.decode()
    assert "fougasse aux olives" in page and "Bonjour !" not in page
    assert "data-left-out" in page and "Canal (" in page
    nothing = bob.get("/w/lumiere/inbox/?q=all&text=brioche").content.decode()
    assert "Rien ne correspond à ces filtres." in nothing
    # In a queue, a way to the same search in every message ("show everything" kept the
    # queue: what was searched for was under "All", a walk).
    queue = html.unescape(bob.get("/w/lumiere/inbox/?q=answer&text=brioche").content.decode())
    assert 'href="?q=all&text=brioche" data-search-all' in queue
    assert "arrivent ici" not in nothing and "data-left-out" not in nothing
    # Words past the eighth were dropped unsaid.
    ten = "fougasse olives dispo samedi a b c d trop tard"
    page = html.unescape(bob.get(f"/w/lumiere/inbox/?q=all&text={ten}").content.decode())
    assert "fougasse aux olives" not in page  # "a", "b"… are searched: nothing has them all
    assert "Seuls les 8 premiers mots sont cherchés\u00a0; laissés de côté\u00a0: trop tard" in page
    assert "data-left-out" not in page  # they were searched: not "not applied"


def test_marking_done_by_a_slip_is_undone_from_the_queue(bob, target) -> None:
    """One tap on "Mark done" took a question out of every queue, no undo offered."""
    asked = comment(target, "Vous faites des galettes des rois ?")
    poll(target.channel)
    question = ingested(asked)
    done = f"/w/lumiere/inbox/{question.pk}/done/"
    queue = bob.post(done, {"next": "queue"}, follow=True).content.decode()
    assert "data-undo-done" in queue and "galettes des rois" not in queue.split("</form>")[-1]
    undone = bob.post(done, {"done": "0", "next": "queue"}, follow=True).content.decode()
    question.refresh_from_db()
    assert question.done_at is None and "Vous faites des galettes" in undone
    assert "data-undo-done" not in undone
    assert "data-undo-done" not in bob.get("/w/lumiere/inbox/").content.decode()


def test_the_keyboard_hint_names_only_the_keys_this_role_can_use(cast, bob, target) -> None:
    """The analyst, who reads, was told "r to answer", "h hide"."""
    asked = comment(target, "Vous ouvrez lundi ?")
    poll(target.channel)
    url = f"/w/lumiere/inbox/{ingested(asked).pk}/"
    reader = Client()
    reader.force_login(cast.nina)
    hint = reader.get(url).content.decode().split('class="small shortcuts-hint">')[1]
    assert hint.startswith("Clavier\u00a0: Échap pour revenir")
    assert "r pour répondre" in bob.get(url).content.decode()


def test_a_note_that_names_a_colleague_with_at_tells_them(cast, bob, target) -> None:
    """A note asking "@erin, can you check?" reached Erin only if she happened to open the
    comment."""
    import unicodedata

    from palabre.accounts.models import Membership, Role, User
    from palabre.publishing.models import Notice

    asked = comment(target, "Ma commande de 12 croissants n'était pas prête")
    poll(target.channel)
    item = ingested(asked)
    url = f"/w/lumiere/inbox/{item.pk}/"
    # Two Erins: "@erin" is erin@… by her address; "Erin Bis" by "@erin.bis" only.
    other = User.objects.create_user(
        "erin.bis@example.com", "correct horse battery", name="Erin Bis"
    )
    Membership.objects.create(workspace=cast.workspace, user=other, role=Role.EDITOR)
    Membership.objects.filter(user=cast.nina).update(role=Role.EDITOR)
    cast.nina.name = "Ninà"
    cast.nina.save()
    ninà = unicodedata.normalize("NFD", "@NINÀ")  # its accent written apart, as phones may
    note = f"@élise? {ninà}, @carl, @charlie, @erin et @erin.bis — tu peux vérifier ? @bob"
    said = bob.post(f"{url}note/", {"text": note}, follow=True).content.decode()
    told = set(Notice.objects.filter(url=url).values_list("user__email", flat=True))
    # Carl cannot open the comment, Charlie is elsewhere, Élise is nobody, Bob wrote it.
    assert told == {"nina@example.com", "erin@example.com", "erin.bis@example.com"}
    # The notice quotes the note (what is asked of them), not the comment.
    quoted = Notice.objects.filter(url=url, user=cast.erin).get().reader_text
    assert "tu peux vérifier" in quoted and "croissants" not in quoted
    assert quoted.startswith("Bob vous a mentionné·e dans une note sur un message de ")
    # A long note is quoted from its "@": its first words held neither the name nor the ask.
    long = "Contexte : " + "bla " * 40 + "@erin peux-tu rembourser les 40 € ?"
    bob.post(f"{url}note/", {"text": long})
    newest = Notice.objects.filter(url=url, user=cast.erin).order_by("-pk").first().reader_text
    assert "«\u00a0…@erin peux-tu rembourser" in newest
    assert "Note ajoutée\u00a0; prévenu·es\u00a0: " in said
    # Carl is a colleague whose role does not open the inbox: "use their address" would not
    # help (an attack); Charlie and Élise named nobody here.
    said = html.unescape(said)
    assert "Personne n’a été prévenu pour @carl\u00a0: son rôle n’ouvre pas la boîte" in said
    nobody = said.split("Personne n’a été prévenu pour @charlie")[1].split("</p>")[0]
    assert "@élise" in nobody and "@carl" not in nobody and "@bob" not in nobody


def test_the_inbox_finds_people_by_their_name(bob, target) -> None:
    comment(target, "Ma commande était froide", handle="@nk", name="Nadia Kaci")
    comment(target, "Bonjour", handle="@autre", name="Autre Personne")
    poll(target.channel)
    found = bob.get("/w/lumiere/inbox/?q=all&text=kaci+nadia").content.decode()
    assert "Ma commande" in found and "Bonjour" not in found


def test_the_inbox_search_reads_past_accents_and_case(bob, target) -> None:
    """ "creme brulee" found nothing where people wrote "Crème brûlée": a phone keyboard in
    a hurry, or an English one, types no accents."""
    comment(target, "La CRÈME BRÛLÉE était parfaite", handle="@h", name="Hélène Œuvray")
    comment(target, "Bonjour", handle="@autre", name="Autre Personne")
    poll(target.channel)
    for typed in ("creme brulee", "Crème", "helene", "HÉLÈNE", "oeuvray"):
        found = bob.get(f"/w/lumiere/inbox/?q=all&text={typed}").content.decode()
        assert "CRÈME BRÛLÉE" in found and "Bonjour" not in found, typed
    assert "CRÈME" not in bob.get("/w/lumiere/inbox/?q=all&text=cremes").content.decode()


def test_an_insult_shown_again_waits_in_review_for_a_verdict(cast, bob, target) -> None:
    """ "Show again" on an insult took it out of every queue: public again, and nobody
    would look at it (a walk through the demo). And the undo taught the workspace's model
    that an insult was fine."""
    from palabre.inbox.moderation import workspace_labels

    said = comment(target, "Ferme ta gueule, espèce de connard", handle="@k")
    poll(target.channel)
    insult = ingested(said)
    assert insult.category == "abuse"
    hide, unhide = (f"/w/lumiere/inbox/{insult.pk}/{verb}/" for verb in ("hide", "unhide"))
    bob.post(hide)
    page = bob.post(unhide, follow=True).content.decode()
    assert "Il attend dans «\u00a0À examiner\u00a0» un verdict" in page
    insult.refresh_from_db()
    assert not insult.hidden and insult.in_review
    assert "espèce de connard" in bob.get("/w/lumiere/inbox/?q=review").content.decode()
    assert insult.text not in workspace_labels(cast.workspace)[0]  # no verdict yet
    bob.post(f"/w/lumiere/inbox/{insult.pk}/not-abuse/")
    insult.refresh_from_db()
    assert not insult.in_review and workspace_labels(cast.workspace) == ([insult.text], [0])
    # A question hidden by a slip and shown again goes back where it was: to be answered.
    asked = comment(target, "Vous ouvrez à quelle heure dimanche ?")
    poll(target.channel)
    question = ingested(asked)
    bob.post(f"/w/lumiere/inbox/{question.pk}/hide/")
    bob.post(f"/w/lumiere/inbox/{question.pk}/unhide/")
    question.refresh_from_db()
    assert not question.in_review
    assert "dimanche" in bob.get("/w/lumiere/inbox/").content.decode()


def test_answering_posts_into_the_thread_on_the_network(bob, target) -> None:
    asked = comment(target, "Vous livrez à Lyon ?")
    poll(target.channel)
    question = ingested(asked)
    response = bob.post(f"/w/lumiere/inbox/{question.pk}/reply/", {"text": "Oui, le mardi."})
    assert response.status_code == 302
    run_worker()
    reply = Reply.objects.get()
    assert reply.status == "sent" and reply.remote_id.startswith("post:")
    on_network = DemoPost.objects.get(pk=int(reply.remote_id.removeprefix("post:")))
    assert on_network.in_reply_to == asked.remote_id and on_network.text == "Oui, le mardi."
    question.refresh_from_db()
    assert question.answered_at is not None
    queue = bob.get("/w/lumiere/inbox/").content.decode()
    assert "Vous livrez à Lyon" not in queue


def test_a_retried_reply_is_not_posted_twice(bob, target) -> None:
    asked = comment(target, "Une question ?")
    poll(target.channel)
    question = ingested(asked)
    bob.post(f"/w/lumiere/inbox/{question.pk}/reply/", {"text": "Une réponse."})
    reply = Reply.objects.get()
    from palabre.inbox.services import reply_send

    reply_send(reply)
    reply_send(reply)  # the worker died before recording success, and tries again
    assert DemoPost.objects.filter(text="Une réponse.").count() == 1


def test_the_answer_form_sent_twice_queues_one_answer(bob, target) -> None:
    """A double click, or the page sent again: the form's token makes it one answer."""
    asked = comment(target, "Vous êtes ouverts lundi ?")
    poll(target.channel)
    question = ingested(asked)
    page = bob.get(f"/w/lumiere/inbox/{question.pk}/").content.decode()
    token = re.search(r'name="once" value="([0-9a-f]{32})"', page)
    assert token is not None
    url = f"/w/lumiere/inbox/{question.pk}/reply/"
    for _click in range(2):
        sent = bob.post(url, {"text": "Non, le lundi on pétrit.", "once": token[1]})
        assert sent.status_code == 302
    run_worker()
    assert Reply.objects.count() == 1
    assert DemoPost.objects.filter(text="Non, le lundi on pétrit.").count() == 1
    # Gone back to the page and sent with other words: a new answer, not lost.
    bob.post(url, {"text": "Mais le mardi, si.", "once": token[1]})
    assert Reply.objects.filter(text="Mais le mardi, si.").exists()
    # An answer that failed is not given back: the same page sent again queues it anew.
    Reply.objects.filter(text="Mais le mardi, si.").update(status="failed")
    bob.post(url, {"text": "Mais le mardi, si.", "once": token[1]})
    assert Reply.objects.filter(text="Mais le mardi, si.", status="queued").count() == 1
    # A fresh page has a fresh token: a second answer, written on purpose, goes out; the
    # same words again within the hour (a second tab, Back then Send) are said, not sent.
    again = bob.get(f"/w/lumiere/inbox/{question.pk}/").content.decode()
    fresh = re.search(r'name="once" value="([0-9a-f]{32})"', again)
    assert fresh is not None and fresh[1] != token[1]
    twice = bob.post(url, {"text": "Non, le lundi on pétrit.", "once": fresh[1]})
    assert "Bob a envoyé cette même réponse il y a" in html.unescape(twice.content.decode())
    assert "Non, le lundi on pétrit." in html.unescape(twice.content.decode())  # kept
    assert Reply.objects.count() == 3
    bob.post(url, {"text": "Non, le lundi on pétrit. Le mardi oui !", "once": fresh[1]})
    assert Reply.objects.count() == 4
    # A token the page did not give is dropped, not refused: the answer still goes.
    assert bob.post(url, {"text": "Et le mardi ?", "once": "x" * 100_000}).status_code == 302
    assert Reply.objects.filter(text="Et le mardi ?").exists()


def test_the_language_switch_on_a_refused_answer_comes_back_to_the_conversation(
    bob, target
) -> None:
    """It came back to /reply/, which takes only POST: a bare "405"."""
    asked = comment(target, "Une question ?")
    poll(target.channel)
    item = f"/w/lumiere/inbox/{ingested(asked).pk}/"
    refused = bob.post(f"{item}reply/", {"text": " "}, HTTP_REFERER=f"http://testserver{item}")
    assert f'name="next" value="{item}"' in refused.content.decode()
    elsewhere = bob.post(f"{item}reply/", {"text": " "}, HTTP_REFERER="https://evil.example/x")
    assert 'name="next" value="/"' in elsewhere.content.decode()


def test_an_answer_is_counted_as_its_network_counts_before_it_is_queued(cast, bob) -> None:
    """Bluesky takes 300 graphemes: an answer over them is refused on the page, kept in the
    form, in the person's language, instead of failing on the network later."""
    cast.bob.language = "en"
    cast.bob.save(update_fields=["language"])
    target = published(cast.workspace, cast.bob, network="bluesky")
    asked = comment(target, "Vous faites des brioches ?")
    poll(target.channel)
    question = ingested(asked)
    long = "Oui ! " + "🥐" * 297  # 303 graphemes (each croissant is one, and two UTF-16 units)
    page = bob.post(f"/w/lumiere/inbox/{question.pk}/reply/", {"text": long})
    assert page.status_code == 200
    said = page.content.decode()
    assert "Bluesky would refuse this answer: 303 characters, over the limit of 300" in said
    assert "🥐" * 297 in said and not Reply.objects.exists()
    fits = "Oui ! " + "🥐" * 294  # 300
    assert bob.post(f"/w/lumiere/inbox/{question.pk}/reply/", {"text": fits}).status_code == 302
    assert Reply.objects.count() == 1


def test_a_linkedin_answer_is_counted_against_what_a_comment_holds(cast, bob) -> None:
    """LinkedIn takes 3,000 characters in a post, 1,250 in a comment: an answer is one."""
    cast.bob.language = "en"
    cast.bob.save(update_fields=["language"])
    target = published(cast.workspace, cast.bob, network="linkedin")
    asked = comment(target, "Do you deliver to Lyon?")
    poll(target.channel)
    question = ingested(asked)
    url = f"/w/lumiere/inbox/{question.pk}/reply/"
    counted = bob.post(url + "count/", {"text": "a" * 1251}).content.decode()
    assert "1,251/1,250" in counted and 'class="over"' in counted
    said = bob.post(url, {"text": "a" * 1251}).content.decode()
    assert "LinkedIn would refuse this answer: 1,251 characters, over the limit of 1,250" in said
    assert not Reply.objects.exists()
    assert bob.post(url, {"text": "a" * 1250}).status_code == 302


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "Ce champ est obligatoire."), ("en", "This field is required.")],
)
def test_an_empty_answer_is_refused_in_the_persons_language(
    cast, bob, target, language: str, message: str
) -> None:
    cast.bob.language = language
    cast.bob.save()
    comment(target, "Une question ?")
    poll(target.channel)
    question = Interaction.objects.get(kind="comment")
    response = bob.post(f"/w/lumiere/inbox/{question.pk}/reply/", {"text": "  "})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Reply.objects.exists()


def test_thank_uses_the_saved_thank_you_with_the_first_name(cast, bob, target) -> None:
    SavedReply.objects.create(
        workspace=cast.workspace,
        title="Merci",
        lang="fr",
        text="Merci beaucoup {first_name} !",
        for_thanks=True,
    )
    praise = comment(target, "Merci, le meilleur pain du quartier !", name="Léa Vasseur")
    poll(target.channel)
    item = ingested(praise)
    bob.post(f"/w/lumiere/inbox/{item.pk}/thank/")
    run_worker()
    assert Reply.objects.get().text == "Merci beaucoup Léa !"
    item.refresh_from_db()
    assert item.done_at is not None


def test_notes_assignment_and_done(cast, bob, target) -> None:
    comment(target, "Ouvert lundi ?")
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    bob.post(f"/w/lumiere/inbox/{item.pk}/note/", {"text": "Client fidèle depuis 2019"})
    bob.post(f"/w/lumiere/inbox/{item.pk}/assign/", {"assignee": cast.alice.pk})
    done = bob.post(f"/w/lumiere/inbox/{item.pk}/done/", {"done": "1"}, follow=True)
    assert "Terminé\u00a0: sorti des files." in done.content.decode()  # said, not silent
    item.refresh_from_db()
    assert Note.objects.get().text == "Client fidèle depuis 2019"
    assert item.assigned_to == cast.alice and item.done_at is not None
    mine = Client()
    mine.login(email="alice@example.com", password="correct horse battery")
    assert "Ouvert lundi" in mine.get("/w/lumiere/inbox/?q=mine&done=any").content.decode()
    # Given a conversation, one is told (nobody was); taking it oneself tells nobody.
    from palabre.publishing.models import Notice

    told = Notice.objects.get(user=cast.alice)
    assert told.url == f"/w/lumiere/inbox/{item.pk}/" and "Bob" in told.text
    assert "Ouvert lundi" in told.text
    bob.post(f"/w/lumiere/inbox/{item.pk}/assign/", {"assignee": cast.alice.pk})  # again
    bob.post(f"/w/lumiere/inbox/{item.pk}/assign/", {"assignee": cast.bob.pk})  # takes it
    assert Notice.objects.filter(user__in=[cast.alice, cast.bob]).count() == 1


def test_each_box_of_a_conversation_has_its_own_id_and_label(bob, target) -> None:
    import re
    from collections import Counter

    comment(target, "Ouvert lundi ?")
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []  # a label leads to its own box
    assert 'for="note_text"' in page and 'id="note_text"' in page


def test_unhide_reverses_a_hide_on_the_network_and_in_the_log(bob, target) -> None:
    insult = comment(target, "Je vais te tuer, sale con", handle="@troll")  # a threat: hidden
    poll(target.channel)
    run_worker()
    insult.refresh_from_db()
    assert insult.hidden
    item = ingested(insult)
    bob.post(f"/w/lumiere/inbox/{item.pk}/unhide/", {"reason": "c'était de l'humour"})
    run_worker()
    insult.refresh_from_db()
    assert not insult.hidden
    actions = list(ModerationEvent.objects.order_by("pk").values_list("action", "network_status"))
    assert actions == [(EventAction.HIDE, "done"), (EventAction.UNHIDE, "done")]
    log = bob.get("/w/lumiere/inbox/log/?format=csv").content.decode()
    rows = csv_rows(log)
    assert rows[0][:3] == ["when", "action", "by"]
    assert {r[1] for r in rows[1:]} == {"hide", "unhide"}
    assert any("humour" in r[3] for r in rows[1:])


def test_a_review_verdict_is_logged_as_a_label(bob, cast, target) -> None:
    comment(target, "t'es vraiment nul, dégage", handle="@rude")
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    bob.post(f"/w/lumiere/inbox/{item.pk}/not-abuse/")
    item.refresh_from_db()
    assert not item.in_review and not item.hidden
    from palabre.inbox.moderation import workspace_labels

    assert workspace_labels(cast.workspace) == ([item.text], [0])


def test_a_comment_in_review_has_one_way_to_hide_it_the_verdict_with_its_reason(
    bob, cast, target
) -> None:
    """A walk through the demo found "Hide" and "Abuse: hide" side by side on a comment in
    review: two buttons for one act, only one of which taught the model."""
    comment(target, "t'es vraiment nul, dégage", handle="@rude")
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    assert item.in_review and not item.hidden
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert f"/inbox/{item.pk}/hide/" not in page
    verdict = page.split("data-verdict>")[1].split("</form>")[0]
    assert f'formaction="/w/lumiere/inbox/{item.pk}/not-abuse/"' in verdict
    assert 'name="reason"' in verdict and "<kbd>h</kbd>" in verdict
    done = bob.post(f"/w/lumiere/inbox/{item.pk}/abuse/", {"reason": "insulte la vendeuse"})
    # Said as hidden (it only said "noted"), the network's part as under way.
    said = bob.get(done.url).content.decode()
    assert "Masqué comme abus dans Palabre" in said and "dans un instant" in said
    item.refresh_from_db()
    assert item.hidden and not item.in_review
    hide = ModerationEvent.objects.get(action=EventAction.HIDE)
    assert hide.reason == "insulte la vendeuse"
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "data-verdict" not in page and f"/inbox/{item.pk}/unhide/" in page
    assert f"/inbox/{item.pk}/not-abuse/" in page  # the verdict can still be turned around


def test_the_reviewers_reason_is_logged_with_either_verdict_whole(bob, cast) -> None:
    """The reason field serves both buttons: "not abuse" dropped it, and where the network
    cannot hide, Palabre's own words before it cut the end of a long one (two reviews)."""
    target = published(cast.workspace, cast.bob, connector="demo_mastodon")
    comment(target, "t'es vraiment nul, dégage", handle="@rude")
    comment(target, "t'es vraiment nul toi aussi", handle="@rude2")
    poll(target.channel)
    first, second = Interaction.objects.filter(kind="comment").order_by("pk")
    bob.post(f"/w/lumiere/inbox/{first.pk}/not-abuse/", {"reason": "de l'humour entre amis"})
    said = ModerationEvent.objects.get(interaction=first, action=EventAction.NOT_ABUSE)
    assert said.reason == "de l'humour entre amis"
    long = "insulte " + "x" * 492
    bob.post(f"/w/lumiere/inbox/{second.pk}/abuse/", {"reason": long})
    judged = ModerationEvent.objects.get(interaction=second, action=EventAction.IS_ABUSE)
    hidden = ModerationEvent.objects.get(interaction=second, action=EventAction.HIDE)
    assert judged.reason == long and hidden.reason.endswith(long)
    assert hidden.reason.startswith("in Palabre only")  # where it was done, said first


def test_user_content_is_escaped_and_links_are_marked(bob, target) -> None:
    comment(target, '<script>alert(1)</script> voir https://example.com/a?b=1 "ok"')
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://example.com/a?b=1" rel="nofollow noopener ugc"' in page


def test_the_netiquette_page_is_public_only_when_published(cast, client: Client) -> None:
    cast.workspace.netiquette = "Soyez courtois."
    cast.workspace.save()
    assert client.get("/n/lumiere/").status_code == 404
    cast.workspace.netiquette_public = True
    cast.workspace.save()
    page = client.get("/n/lumiere/")
    assert page.status_code == 200 and "Soyez courtois." in page.content.decode()


def test_another_workspaces_conversation_answers_404(cast, bob) -> None:
    theirs = published(cast.other_workspace, cast.charlie, network="x")
    comment(theirs, "secret")
    poll(theirs.channel)
    item = Interaction.objects.get(kind="comment")
    assert bob.get(f"/w/lumiere/inbox/{item.pk}/").status_code == 404
    assert bob.post(f"/w/lumiere/inbox/{item.pk}/hide/").status_code == 404
    assert not DemoActivity.objects.filter(hidden=True).exists()


def test_what_someone_did_is_said_in_words_not_by_its_key(bob, target) -> None:
    asked = comment(target, "Vous ouvrez dimanche ?")
    poll(target.channel)
    said = ingested(asked)
    for address in ("/w/lumiere/inbox/?q=all", f"/w/lumiere/inbox/{said.pk}/"):
        page = bob.get(address).content.decode()  # bob reads Palabre in French
        assert "· commentaire" in page and not re.search(r"· comment\b", page), address


def test_a_handle_is_not_repeated_beside_a_name_that_is_that_handle(bob, target) -> None:
    """Instagram gives a commenter's username only: it is their name, shown once."""
    asked = comment(target, "Vous ouvrez dimanche ?", handle="@fanny", name="")
    named = comment(target, "Et samedi ?", handle="@claire", name="Claire Martin")
    poll(target.channel)
    said = ingested(asked)
    page = bob.get(f"/w/lumiere/inbox/{said.pk}/").content.decode()
    header = page[page.index('<article class="comment focus') :]
    header = header[: header.index("</header>")]
    assert header.count("@fanny") == 1
    page = bob.get(f"/w/lumiere/inbox/{ingested(named).pk}/").content.decode()
    assert "Claire Martin" in page and "@claire" in page


def test_a_facebook_name_is_not_shown_as_a_handle(bob, target) -> None:
    """Facebook gives a commenter's name and no handle: "@Fanny Fan" would name no one."""
    asked = comment(target, "Ouvert dimanche ?", handle="Fanny Fan", name="Fanny Fan")
    poll(target.channel)
    said = ingested(asked)
    assert said.identity is not None and said.identity.at_handle == "Fanny Fan"
    page = bob.get(f"/w/lumiere/inbox/{said.pk}/").content.decode()
    header = page[page.index('<article class="comment focus') :]
    header = header[: header.index("</header>")]
    assert "@Fanny" not in header and header.count("Fanny Fan") == 1


def test_one_conversations_badges_are_in_the_singular(bob, target) -> None:
    """The queue's names ("Hidden", "Done": "Masqués", "Traités" in French) are plural; the
    badge on one conversation is not."""
    insult = comment(target, "Je vais te tuer, sale con", handle="@troll")  # a threat: hidden
    poll(target.channel)
    run_worker()
    item = ingested(insult)
    assert item.hidden
    bob.post(f"/w/lumiere/inbox/{item.pk}/done/", {"done": "1"})
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()  # bob reads French
    badges = re.findall(r'<span class="badge (?:failed|published)">([^<]*)</span>', page)
    assert "Masqué" in badges and "Masqués" not in badges and "Traités" not in badges


def test_the_answer_is_counted_as_its_network_counts_it_while_typed(bob, cast, target) -> None:
    """A walkthrough learnt only on sending that Mastodon would refuse its 816 characters."""
    comment(target, "Vous livrez à Lyon ?", handle="@claire")
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    count_url = f"/w/lumiere/inbox/{item.pk}/reply/count/"
    form = page.split('class="reply-form"')[1].split(">")[0]  # the answer's own form
    assert f'hx-post="{count_url}"' in form and 'id="reply-count"' in page
    short = bob.post(count_url, {"text": "Oui, le mardi 🚚"}).content.decode()
    assert "15/500" in short and "over" not in short  # Mastodon counts an emoji once
    long = bob.post(count_url, {"text": "pain " * 120}).content.decode()
    assert "600/500" in long and 'class="over"' in long
    # Facebook takes more than the answer box does (5,000): the box's limit is the one said.
    facebook = published(cast.workspace, cast.bob, network="facebook")
    comment(facebook, "Et en Ardèche ?", handle="ardeche")
    poll(facebook.channel)
    there = Interaction.objects.get(kind="comment", channel=facebook.channel)
    pasted = bob.post(f"/w/lumiere/inbox/{there.pk}/reply/count/", {"text": "x" * 5001})
    said = pasted.content.decode()
    assert "5\xa0001/5\xa0000" in said and "trop longue pour une réponse depuis Palabre" in said
    nina = Client()
    nina.force_login(cast.nina)  # the analyst reads the inbox, answers nothing
    assert nina.post(count_url, {"text": "x"}).status_code == 403
    charlie = Client()
    charlie.force_login(cast.charlie)
    assert charlie.post(count_url, {"text": "x"}).status_code == 404


def test_a_comment_on_a_post_made_outside_palabre_says_so(bob, cast) -> None:
    """A new user's walk: some comments showed no post, and nothing said why."""
    from palabre.channels.services import channel_create_demo

    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="Moulin")
    elsewhere = DemoPost.objects.create(channel=channel, idempotency_key="own", text="Du pain")
    DemoActivity.objects.create(
        channel=channel, kind="comment", author_handle="@hugo", text="Quel moulin ?", post=elsewhere
    )
    poll(channel)
    item = Interaction.objects.get(text="Quel moulin ?")
    assert item.target is None
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "Un commentaire sur une publication de Moulin que Palabre ne peut pas montrer" in page
    assert "{#" not in page and "{%" not in page  # no template note printed
    target = published(cast.workspace, cast.bob, network="bluesky")
    comment(target, "Et le vôtre ?", handle="@ana")
    poll(target.channel)
    ours = Interaction.objects.get(text="Et le vôtre ?")
    assert "ne peut pas montrer" not in bob.get(f"/w/lumiere/inbox/{ours.pk}/").content.decode()
