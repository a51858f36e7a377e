"""The Listening pages: who may read and write them, saving a search (its preview, its
refusals), and what a person does with what was heard."""

from __future__ import annotations

import itertools
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import LISTENED, Contact, Identity, Interaction, Reply
from palabre.inbox.tests.helpers import run_worker
from palabre.listening import actions, services
from palabre.listening.models import Heard, ListeningSettings, Search
from palabre.networks.base import Author, PublicPost, RateLimited, Unavailable
from palabre.networks.demo.models import DemoPost
from palabre.publishing.models import Notice, Post

PASSWORD = "correct horse battery"  # noqa: S105 (the cast's, conftest.py)

BASE = "/w/lumiere/listening"
_ids = itertools.count(1)


def _as(name: str) -> Client:
    client = Client()
    assert client.login(email=f"{name}@example.com", password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def _in_english(cast) -> None:
    for user in cast.users.values():
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def bob(cast) -> Client:
    return _as("bob")  # the manager: writes searches and answers


def _search(workspace, name="Lumière", *, role="brand", terms="lumiere", **fields) -> Search:
    return Search.objects.create(workspace=workspace, name=name, role=role, terms=terms, **fields)


def _heard(workspace, text: str, *, searches=(), network="bluesky", **fields) -> Heard:
    n = next(_ids)
    handle = fields.pop("author_handle", f"claire{n}.test")
    values = {
        "network": network,
        "remote_id": f"at://did:plc:{handle}/app.bsky.feed.post/{n}",
        "url": f"https://bsky.app/profile/{handle}/post/{n}",
        "author_id": f"did:plc:{handle}",
        "author_handle": handle,
        "text": text,
        "posted_at": timezone.now() - timedelta(minutes=n),
        "via": "search",
        "lang": "fr",
        "kind": "question",
    } | fields
    heard = Heard.objects.create(workspace=workspace, **values)
    heard.searches.add(*searches)
    return heard


def _form(**fields: object) -> dict[str, object]:
    return {"name": "Levain", "role": "topic", "terms": "pain au levain", "save": "1"} | fields


# --- Who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/", "/searches/"])
def test_the_contributor_is_refused_and_an_outsider_finds_nothing(cast, page: str) -> None:
    assert _as("carl").get(BASE + page).status_code == 403
    assert _as("charlie").get(BASE + page).status_code == 404


def test_the_analyst_reads_but_writes_nothing(cast) -> None:
    search = _search(cast.workspace)
    heard = _heard(cast.workspace, "Lumière est ouverte ?", searches=[search])
    nina = _as("nina")
    page = nina.get(BASE + "/").content.decode()
    assert "Lumière est ouverte" in page and "Mark seen" not in page
    assert nina.get(f"{BASE}/{heard.pk}/").status_code == 200
    searches = nina.get(BASE + "/searches/").content.decode()
    assert "Lumière" in searches and 'name="terms"' not in searches
    assert nina.post(BASE + "/searches/", _form()).status_code == 403
    for verb in ("seen", "tag", "send", "reply", "idea", "contact"):
        assert nina.post(f"{BASE}/{heard.pk}/{verb}/", {"text": "Bonjour"}).status_code == 403
    assert nina.post(BASE + "/settings/", {"retention_days": 10}).status_code == 403
    assert nina.post(BASE + "/erase/", {"handle": heard.author_handle}).status_code == 403
    assert Search.objects.count() == 1 and Heard.objects.get().seen_at is None


def test_the_section_is_in_the_navigation_for_the_roles_that_read_it(cast) -> None:
    assert f'href="{BASE}/"' in _as("nina").get("/w/lumiere/").content.decode()
    assert f'href="{BASE}/"' not in _as("carl").get("/w/lumiere/media/").content.decode()


def test_another_workspaces_heard_post_answers_404(cast, bob) -> None:
    theirs = _heard(cast.other_workspace, "Ailleurs")
    their_search = _search(cast.other_workspace)
    assert bob.get(f"{BASE}/{theirs.pk}/").status_code == 404
    for verb in ("seen", "tag", "send", "reply", "idea", "contact"):
        assert bob.post(f"{BASE}/{theirs.pk}/{verb}/", {"text": "x"}).status_code == 404
    assert bob.get(f"{BASE}/searches/{their_search.pk}/").status_code == 404
    assert bob.post(f"{BASE}/searches/{their_search.pk}/delete/").status_code == 404
    assert Search.objects.filter(pk=their_search.pk).exists()


# --- Searches ---------------------------------------------------------------------------------


def test_a_search_is_saved_as_typed(cast, bob) -> None:
    response = bob.post(
        BASE + "/searches/",
        _form(terms='"pain au levain"\n#levain\npain lyon', exclusions="recette", languages=["fr"]),
    )
    assert response.status_code == 302
    search = Search.objects.get()
    assert search.created_by == cast.bob and search.languages == ["fr"]
    assert search.terms.splitlines()[0] == '"pain au levain"'


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("", "Give at least one word, phrase or hashtag to look for."),
        ("\n".join(f"mot{n}" for n in range(10_000)), "10000 terms is too many: at most 50"),
        ("levain.*", "looks like a pattern"),
        ("/lev(ain)?/", "looks like a pattern"),
    ],
)
def test_a_bad_definition_is_refused_in_words_and_the_input_is_kept(
    cast, bob, terms: str, message: str
) -> None:
    response = bob.post(BASE + "/searches/", _form(name="Mon essai", terms=terms))
    page = response.content.decode()
    assert response.status_code == 200 and message in page.replace("&quot;", '"')
    assert "Mon essai" in page and terms[:20].replace('"', "&quot;") in page
    assert not Search.objects.exists()


def test_a_second_brand_and_a_name_taken_are_refused_on_their_field(cast, bob) -> None:
    _search(cast.workspace, "Lumière", role="brand")
    page = bob.post(BASE + "/searches/", _form(name="lumière", role="brand")).content.decode()
    assert "Another search is already called that." in page
    assert "already follows the brand" in page
    assert Search.objects.count() == 1


def test_the_workspace_has_at_most_its_number_of_searches(cast, bob, settings) -> None:
    settings.PALABRE_LISTENING_MAX_SEARCHES = 1
    _search(cast.workspace, "Lumière")
    page = bob.post(BASE + "/searches/", _form(terms="levain pain")).content.decode()
    assert "This workspace has 1 searches, the most it can have" in page
    assert "levain pain" in page and Search.objects.count() == 1


def test_an_edit_based_on_an_old_version_is_shown_again_beside_the_saved_one(cast, bob) -> None:
    search = _search(cast.workspace, "Lumière", role="brand", terms="lumiere")
    opened = bob.get(f"{BASE}/searches/{search.pk}/").content.decode()
    assert 'name="version" value="0"' in opened
    first = bob.post(
        f"{BASE}/searches/{search.pk}/", _form(name="Lumière", role="brand", version="0")
    )
    assert first.status_code == 302
    stale = bob.post(
        f"{BASE}/searches/{search.pk}/",
        _form(name="Lumière", role="brand", terms="boulangerie lumiere", version="0"),
    )
    page = stale.content.decode()
    assert "Someone else saved this since you opened it" in page
    assert "boulangerie lumiere" in page and 'name="version" value="1"' in page
    assert Search.objects.get().terms == "pain au levain"


def test_deleting_a_search(cast, bob) -> None:
    search = _search(cast.workspace)
    assert bob.post(f"{BASE}/searches/{search.pk}/delete/").status_code == 302
    assert not Search.objects.exists()


# --- Preview ----------------------------------------------------------------------------------


def test_the_preview_runs_the_definition_over_what_was_heard_without_saving(cast, bob) -> None:
    brand = _search(cast.workspace)
    _heard(cast.workspace, "Le pain au levain de Lumière est top", searches=[brand])
    _heard(cast.workspace, "Une recette de pain au levain", searches=[brand])
    _heard(cast.workspace, "Du pain, du levain, ailleurs", searches=[brand])
    old = _heard(cast.workspace, "pain au levain d'antan", searches=[brand])
    Heard.objects.filter(pk=old.pk).update(heard_at=timezone.now() - timedelta(days=200))
    response = bob.post(
        BASE + "/searches/",
        _form(terms='"pain au levain"', exclusions="recette", preview="1"),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "1 of the 3 posts heard in the last 90 days matches." in page
    heard = page.split("matches.")[1].split("</section>")[0]  # the fields come after it
    assert "est top" in heard and "recette" not in heard
    assert Search.objects.count() == 1


def test_a_preview_of_a_bad_definition_says_what_is_wrong(cast, bob) -> None:
    response = bob.post(
        BASE + "/searches/", _form(terms="lev*", preview="1"), HTTP_HX_REQUEST="true"
    )
    assert "looks like a pattern" in response.content.decode()
    without_htmx = bob.post(BASE + "/searches/", _form(name="Essai", terms="lev*", preview="1"))
    assert "Essai" in without_htmx.content.decode()  # the whole page, the input kept


class _Searching:
    """A connected network's search, played: posts, a refusal or silence."""

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.queries: list[str] = []

    def search_posts(self, *, query: str, since=None) -> list[PublicPost]:
        self.queries.append(query)
        if isinstance(self.answer, Exception):
            raise self.answer
        if self.answer == "slow":
            time.sleep(1)
            return []
        return list(self.answer)  # type: ignore[call-overload]


def _post(text: str, n: int, langs: tuple[str, ...] = ()) -> PublicPost:
    return PublicPost(
        remote_id=f"at://x/{n}",
        url=f"https://bsky.app/x/{n}",
        author=Author(remote_id=f"did:plc:{n}", handle=f"p{n}.test"),
        text=text,
        created_at=timezone.now() - timedelta(minutes=n),
        langs=langs,
    )


@pytest.fixture
def bluesky(cast) -> Channel:
    return Channel.objects.create(
        workspace=cast.workspace, network="bluesky", connector="bluesky", name="Lumière"
    )


def _preview(bob: Client) -> str:
    response = bob.post(
        BASE + "/searches/",
        _form(
            terms='"pain au levain"\n#levain', exclusions="recette", languages=["fr"], preview="1"
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_preview_asks_each_network_that_searches_for_a_sample(
    cast, bob, bluesky, monkeypatch
) -> None:
    found = [
        _post("Le meilleur pain au levain de Lyon", 1, ("fr",)),
        _post("Recette : pain au levain", 2, ("fr",)),
        _post("Great pain au levain", 3, ("en",)),
        _post("Du #levain partout", 4),
        _post("Pain et levain, pas la phrase", 5),
    ]
    network = _Searching(found)
    monkeypatch.setattr(actions, "connector_for", lambda channel: network)
    page = _preview(bob)
    assert network.queries == ["levain", "#levain"]  # a phrase is sent as its longest word
    assert "2 of the 5 recent posts the network found" in page
    assert "Le meilleur pain" in page and "#levain partout" in page and "Great" not in page


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (Unavailable("HTTP 502"), "Bluesky did not search: HTTP 502"),
        (RateLimited("slow down"), "Bluesky asks Palabre to wait before searching again."),
        ("slow", "Bluesky did not answer within 0 seconds."),
    ],
)
def test_a_network_that_fails_the_sample_is_said_to_in_a_sentence(
    cast, bob, bluesky, monkeypatch, answer: object, said: str
) -> None:
    monkeypatch.setattr(actions, "connector_for", lambda channel: _Searching(answer))
    monkeypatch.setattr(actions, "LIVE_SECONDS", 0.2)
    assert said in _preview(bob)


# --- The stream of heard posts ----------------------------------------------------------------


def test_the_page_lists_heard_posts_newest_first_and_filters_them(cast, bob) -> None:
    brand = _search(cast.workspace)
    rival = _search(cast.workspace, "Fournil", role="competitor", terms="fournil")
    _heard(cast.workspace, "Lumière ouvre quand ?", searches=[brand], kind="question")
    _heard(cast.workspace, "Le Fournil, quelle déception", searches=[rival], kind="criticism")
    _heard(cast.workspace, "Lumière on Mastodon", searches=[brand], network="mastodon", lang="en")
    seen = _heard(cast.workspace, "Lumière, vu", searches=[brand], seen_at=timezone.now())
    Heard.objects.filter(pk=seen.pk).update(tags=["presse"])
    page = bob.get(BASE + "/").content.decode()
    # Whole phrases: "vu" alone turns up in a page's random tokens (a CSRF token, a nonce).
    assert page.index("Lumière ouvre quand") < page.index("Le Fournil") < page.index("Lumière, vu")
    assert "Question" in page and "Criticism" in page and "Mark seen" in page

    def shown(query: str) -> set[str]:
        text = bob.get(f"{BASE}/?{query}").content.decode()
        posts = ["ouvre quand", "Fournil, quelle", "on Mastodon", "Lumière, vu"]
        return {p for p in posts if p in text}

    assert shown(f"search={rival.pk}") == {"Fournil, quelle"}
    assert shown("network=mastodon") == {"on Mastodon"}
    assert shown("kind=criticism") == {"Fournil, quelle"}
    assert shown("lang=en") == {"on Mastodon"}
    assert shown("tag=presse") == {"Lumière, vu"}
    assert "Lumière, vu" not in shown("unseen=on")
    assert bob.get(f"{BASE}/?search=nope&page=x").status_code == 200


def test_marking_seen_and_unseen(cast, bob) -> None:
    heard = _heard(cast.workspace, "Lumière ?")
    row = bob.post(f"{BASE}/{heard.pk}/seen/", {"seen": "1"}, HTTP_HX_REQUEST="true")
    assert row.content.decode().lstrip().startswith("<li") and "Mark unseen" in row.content.decode()
    heard.refresh_from_db()
    assert heard.seen_at is not None
    back = bob.post(f"{BASE}/{heard.pk}/seen/", {"seen": "0", "back": "network=bluesky&x=1"})
    assert back.url == f"{BASE}/?network=bluesky&x=1"
    heard.refresh_from_db()
    assert heard.seen_at is None
    hostile = bob.post(f"{BASE}/{heard.pk}/seen/", {"back": "//evil.example/"})
    assert hostile.url.startswith(f"{BASE}/?")


def test_tagging(cast, bob) -> None:
    heard = _heard(cast.workspace, "Lumière ?")
    bob.post(f"{BASE}/{heard.pk}/tag/", {"tags": "presse, à suivre, presse"})
    heard.refresh_from_db()
    assert heard.tags == ["presse", "à suivre"]
    page = bob.post(f"{BASE}/{heard.pk}/tag/", {"tags": ",".join("abcdefghijkl")})
    assert "At most 10 tags." in page.content.decode()


def test_sending_to_a_teammate_assigns_and_tells_them(cast, bob) -> None:
    heard = _heard(cast.workspace, "Lumière livre à Villeurbanne ?")
    response = bob.post(f"{BASE}/{heard.pk}/send/", {"assignee": cast.erin.pk})
    assert response.status_code == 302
    heard.refresh_from_db()
    assert heard.assigned_to == cast.erin
    notice = Notice.objects.get(user=cast.erin)
    assert "Villeurbanne" in notice.text and notice.url == f"{BASE}/{heard.pk}/"
    outsider = bob.post(f"{BASE}/{heard.pk}/send/", {"assignee": cast.charlie.pk})
    assert outsider.status_code == 200 and Notice.objects.count() == 1


def test_replying_goes_out_through_the_channel_of_that_network_exactly_once(cast, bob) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="Lumière")
    heard = _heard(cast.workspace, "Une bonne boulangerie à Lyon ?", kind="question")
    assert _as("erin").post(f"{BASE}/{heard.pk}/reply/", {"text": "x"}).status_code == 403
    response = bob.post(
        f"{BASE}/{heard.pk}/reply/", {"channel": channel.pk, "text": "Lumière, rue Mercière !"}
    )
    assert response.status_code == 302
    heard.refresh_from_db()
    interaction = heard.interaction
    assert interaction is not None and interaction.kind == LISTENED
    assert interaction.identity is None and interaction.done_at is not None
    assert interaction.remote_id == heard.remote_id and interaction.channel == channel
    assert "Answer: Sending" in bob.get(BASE + "/").content.decode()
    run_worker()
    reply = Reply.objects.get()
    assert reply.status == "sent"
    sent = DemoPost.objects.get(pk=int(reply.remote_id.removeprefix("post:")))
    assert sent.in_reply_to == heard.remote_id and sent.text == "Lumière, rue Mercière !"
    assert "Answer: Sent" in bob.get(f"{BASE}/{heard.pk}/").content.decode()
    # A second answer uses the same interaction; the author stays out of the people pages.
    bob.post(f"{BASE}/{heard.pk}/reply/", {"channel": channel.pk, "text": "Ouvert dimanche."})
    assert Interaction.objects.count() == 1 and Reply.objects.count() == 2
    assert not Identity.objects.exists() and not Contact.objects.exists()
    inbox = bob.get("/w/lumiere/inbox/?q=all").content.decode()
    assert "Une bonne boulangerie" not in inbox


def test_the_answer_form_sent_twice_queues_one_answer(cast, bob) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="Lumière")
    heard = _heard(cast.workspace, "Une bonne boulangerie à Lyon ?", kind="question")
    page = bob.get(f"{BASE}/{heard.pk}/").content.decode()
    token = re.search(r'name="once" value="([0-9a-f]{32})"', page)
    assert token is not None
    for _click in range(2):
        data = {"channel": channel.pk, "text": "Rue Mercière !", "once": token[1]}
        assert bob.post(f"{BASE}/{heard.pk}/reply/", data).status_code == 302
    run_worker()
    assert Reply.objects.count() == 1
    assert DemoPost.objects.filter(text="Rue Mercière !").count() == 1


def test_a_reply_needs_a_channel_of_that_network(cast, bob) -> None:
    mastodon = channel_create_demo(workspace=cast.workspace, network="mastodon", name="Masto")
    heard = _heard(cast.workspace, "Une question ?")
    page = bob.get(f"{BASE}/{heard.pk}/").content.decode()
    assert "No connected Bluesky channel can answer this post" in page
    refused = bob.post(f"{BASE}/{heard.pk}/reply/", {"channel": mastodon.pk, "text": "Oui"})
    assert refused.status_code == 200 and not Interaction.objects.exists()


def test_saving_as_an_idea_opens_a_draft_quoting_the_post(cast, bob) -> None:
    heard = _heard(cast.workspace, "Qui fait le meilleur levain ?")
    response = bob.post(f"{BASE}/{heard.pk}/idea/")
    post = Post.objects.get()
    assert response.url == f"/w/lumiere/posts/{post.pk}/"
    assert "Qui fait le meilleur levain ?" in post.idea and heard.url in post.idea
    assert post.status == "draft" and post.author == cast.bob
    assert bob.get(response.url).status_code == 200


def test_adding_the_author_as_a_contact(cast, bob) -> None:
    heard = _heard(cast.workspace, "Bonjour", author_handle="claire.test")
    assert _as("erin").post(f"{BASE}/{heard.pk}/contact/").status_code == 403
    bob.post(f"{BASE}/{heard.pk}/contact/")
    identity = Identity.objects.select_related("contact").get()
    assert identity.network == "bluesky" and identity.remote_id == heard.author_id
    assert identity.contact.name == "claire.test"
    again = bob.post(f"{BASE}/{heard.pk}/contact/", follow=True).content.decode()
    assert "was a contact already" in again and Contact.objects.count() == 1


# --- Settings and erasure ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "kept"), [("0", False), ("-5", False), ("366", False), ("30", True)]
)
def test_the_retention_period_is_between_1_and_365_days(cast, bob, days: str, kept: bool) -> None:
    response = bob.post(BASE + "/settings/", {"retention_days": days, "x_requests_per_day": "0"})
    assert (response.status_code == 302) is kept
    expected = int(days) if kept else 90
    assert ListeningSettings.objects.get(workspace=cast.workspace).retention_days == expected
    if not kept:  # one bound said, not the column's too ("0 or more" beside "1 or more")
        errors = response.context["settings_form"].errors["retention_days"]
        assert len(errors) == 1, errors


def test_the_x_budget_comes_with_an_estimate(cast, bob) -> None:
    _search(cast.workspace, terms="lumiere\n#lumiere")
    _search(cast.workspace, "Mastodon only", role="topic", terms="autre", networks=["mastodon"])
    page = bob.get(BASE + "/searches/").content.decode()
    assert f"about {2 * actions.POLLS_PER_DAY} requests a day" in page


def test_a_search_with_more_terms_than_the_x_budget_is_named(cast, bob) -> None:
    """A read of a search sends all its terms at once: past the day's budget, X never reads
    it, and the page says so rather than stay quiet."""
    _search(cast.workspace, terms="lumiere\n#lumiere")
    _search(cast.workspace, "Levain", role="topic", terms="levain\nsourdough\npain bio")
    settings = services.listening_settings(cast.workspace)
    settings.x_requests_per_day = 2
    settings.save()
    page = bob.get(BASE + "/searches/").content.decode()
    assert "X never reads “Levain”: each read sends its 3 terms at once" in page
    assert "X never reads “Lumière”" not in page
    settings.x_requests_per_day = 0  # X not searched at all, on purpose: nothing to warn of
    settings.save()
    assert "X never reads" not in bob.get(BASE + "/searches/").content.decode()


def test_an_erasure_request_is_confirmed_then_deletes_the_authors_posts(cast, bob) -> None:
    for text in ("Un", "Deux"):
        _heard(cast.workspace, text, author_handle="claire.test", author_id="did:plc:claire")
    _heard(cast.workspace, "Autre")
    assert _as("erin").post(BASE + "/erase/", {"handle": "claire.test"}).status_code == 403
    asked = bob.post(BASE + "/erase/", {"handle": "@Claire.test"}).content.decode()
    assert "Delete the 2 posts heard from @Claire.test?" in asked
    assert Heard.objects.count() == 3
    done = bob.post(BASE + "/erase/", {"handle": "@Claire.test", "confirm": "True"}, follow=True)
    assert "2 posts heard from @Claire.test deleted." in done.content.decode()
    assert list(Heard.objects.values_list("text", flat=True)) == ["Autre"]
    nothing = bob.post(BASE + "/erase/", {"handle": "personne"}).content.decode()
    assert "Nothing heard from personne" in nothing


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "12,345 followers"), ("fr", "12\u00a0345 abonnés")]
)
def test_an_authors_followers_are_grouped_as_the_reader_writes_numbers(
    cast, language: str, shown: str
) -> None:
    cast.bob.language = language
    cast.bob.save()
    _heard(cast.workspace, "Lumière, enfin", searches=[_search(cast.workspace)], reach=12345)
    assert shown in _as("bob").get(BASE + "/").content.decode()
