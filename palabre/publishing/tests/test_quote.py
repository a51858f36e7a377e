"""An X variant quotes a post: the address given in the composer (checked, kept in canonical
form), approved with the rest of the content, and its id sent with the thread's first post."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import timedelta
from typing import ClassVar

import httpx
import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.networks.base import OutgoingPost, PublishedPost
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoPost
from palabre.networks.registry import CONNECTORS
from palabre.publishing import workflow
from palabre.publishing.content import content_changes, post_content, post_digest
from palabre.publishing.forms import QUOTE_REFUSED
from palabre.publishing.models import Post, PostStatus, PostTarget, TargetStatus
from palabre.publishing.publisher import post_publish_now, post_target_publish
from palabre.publishing.quotes import quote_address, quoted_post_id
from palabre.publishing.services import ContentLocked, post_create, post_update, variant_data
from tests.networks.x.channels import connect
from tests.networks.x.double import XDouble

pytestmark = pytest.mark.django_db

ID = "1860000000000000001"
GOOD = {
    f"https://x.com/fanny/status/{ID}": f"https://x.com/fanny/status/{ID}",
    f"https://twitter.com/fanny/status/{ID}": f"https://x.com/fanny/status/{ID}",
    f"https://x.com/Fanny_99/status/{ID}?s=20&t=AbC-d_e": f"https://x.com/Fanny_99/status/{ID}",
    f"https://twitter.com/fanny/status/{ID}?s=46": f"https://x.com/fanny/status/{ID}",
    f"https://www.twitter.com/fanny/status/{ID}/": f"https://x.com/fanny/status/{ID}",
    f"https://mobile.twitter.com/fanny/status/{ID}": f"https://x.com/fanny/status/{ID}",
    f"HTTPS://X.COM/fanny/status/{ID}": f"https://x.com/fanny/status/{ID}",
    f"https://x.com/i/web/status/{ID}": f"https://x.com/i/web/status/{ID}",
    f"  {ID}  ": f"https://x.com/i/web/status/{ID}",
    "20": "https://x.com/i/web/status/20",
}
BAD = [
    "fanny",
    "javascript:alert(1)//https://x.com/a/status/1",
    f"http://x.com/fanny/status/{ID}",  # not https
    f"https://x.com.evil.example/fanny/status/{ID}",
    f"https://evil.example/x.com/fanny/status/{ID}",
    f"https://fanny@x.com/fanny/status/{ID}",
    f"https://x.com:8443/fanny/status/{ID}",
    f"https://threads.net/@fanny/post/{ID}",
    "https://x.com/fanny/status/abc",
    f"https://x.com/fanny/status/{ID}/photo/1",
    f"https://x.com/fanny/status/{ID}#reply",
    f"https://x.com/sixteen_letters_/status/{ID}",
    f"https://x.com/fan-ny/status/{ID}",
    f"https://x.com/fanny/status/{ID}\nhttps://x.com/b/status/2",
    f"https://x.com/fanny/status/{ID}?a=b c",
    "0",
    "0123",
    "1" * 20,  # more than a 64-bit id
    "-5",
    "١٢٣",  # Arabic-Indic digits are not X's
    "<script>alert(1)</script>",
    "https://x.com/fanny/status/" + "9" * 300,
]


@pytest.mark.parametrize(("given", "canonical"), GOOD.items())
def test_an_address_on_x_or_twitter_or_a_number_names_the_post(given: str, canonical: str) -> None:
    assert quote_address(given) == canonical
    assert quoted_post_id(given) == canonical.rsplit("/", 1)[1]
    assert quoted_post_id(canonical) == quoted_post_id(given)  # what is saved is read back


@pytest.mark.parametrize("given", BAD)
def test_anything_else_names_no_post(given: str) -> None:
    assert quote_address(given) == "" and quoted_post_id(given) is None


# --- The composer ----------------------------------------------------------------------------


def _draft(cast, networks: list[str]) -> Post:
    return post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Merci pour ce mot !",
        category="conversation",
        networks=networks,
    )


def _composer(post: Post, **fields: object) -> dict[str, object]:
    post = Post.objects.get(pk=post.pk)
    networks = sorted(v.network for v in post.variants.all())
    data: dict[str, object] = {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": networks,
        "post-version": post.version,
        "action": "save",
    }
    for variant in post.variants.all():
        data[f"{variant.network}-text"] = variant.text
        data[f"{variant.network}-quote_url"] = variant.quote_url
        data[f"{variant.network}-channels"] = [c.pk for c in variant.channels.all()]
    if post.publish_at:
        local = timezone.localtime(post.publish_at, post.workspace.tzinfo)
        data["post-publish_at"] = local.strftime("%Y-%m-%dT%H:%M")
    return data | fields


def test_the_composer_offers_a_quote_on_x_only_and_keeps_the_canonical_address(
    client: Client, cast
) -> None:
    post = _draft(cast, ["x", "mastodon"])
    client.force_login(cast.erin)
    page = client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'name="x-quote_url"' in page and 'name="mastodon-quote_url"' not in page
    given = f"https://twitter.com/fanny/status/{ID}?s=20&t=abc"
    saved = client.post(f"/w/lumiere/posts/{post.pk}/", _composer(post, **{"x-quote_url": given}))
    assert saved.status_code == 302
    assert post.variants.get(network="x").quote_url == f"https://x.com/fanny/status/{ID}"
    # The preview shows what is quoted, on the composer and on the approver's page.
    for path in ("", "review/"):
        page = client.get(f"/w/lumiere/posts/{post.pk}/{path}").content.decode()
        assert f'data-quote-url="https://x.com/fanny/status/{ID}"' in page
        assert f'Cite <a href="https://x.com/fanny/status/{ID}"' in page  # in French
    # Emptied: quotes nothing.
    client.post(f"/w/lumiere/posts/{post.pk}/", _composer(post, **{"x-quote_url": ""}))
    assert post.variants.get(network="x").quote_url == ""
    assert "data-quote-url" not in client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()


@pytest.mark.parametrize("given", BAD)
def test_the_composer_refuses_any_other_address_with_a_clear_message(
    client: Client, cast, given: str
) -> None:
    post = _draft(cast, ["x"])
    post.variants.update(quote_url=f"https://x.com/fanny/status/{ID}")
    cast.erin.language = "en"
    cast.erin.save()
    client.force_login(cast.erin)
    refused = client.post(f"/w/lumiere/posts/{post.pk}/", _composer(post, **{"x-quote_url": given}))
    assert refused.status_code == 200  # the form says why; nothing saved
    page = html.unescape(refused.content.decode())
    with translation.override("en"):
        # Over 300 characters, the field's own length message says why.
        assert str(QUOTE_REFUSED) in page or (len(given) > 300 and "at most 300" in page)
    assert post.variants.get().quote_url == f"https://x.com/fanny/status/{ID}"
    assert "<script>alert" not in refused.content.decode()
    # The live check answers too (with the saved content), never a 500.
    checked = client.post(
        f"/w/lumiere/posts/{post.pk}/check/", _composer(post, **{"x-quote_url": given})
    )
    assert checked.status_code == 200


def test_another_networks_quote_is_never_saved(cast) -> None:
    post = _draft(cast, ["mastodon"])
    data = replace(variant_data(post.variants.get()), quote_url=f"https://x.com/a/status/{ID}")
    post_update(
        post=post,
        idea=post.idea,
        category=post.category,
        networks=["mastodon"],
        variants={"mastodon": data},
    )
    assert post.variants.get().quote_url == ""


# --- What is approved ------------------------------------------------------------------------


def test_the_quote_is_part_of_what_is_approved(cast) -> None:
    post = _draft(cast, ["x", "mastodon"])
    before, digest = post_content(post), post_digest(post)
    # No quote adds nothing: content approved before quotes existed keeps its digest.
    assert all("quote_url" not in v for v in before["variants"])
    post.variants.filter(network="x").update(quote_url=f"https://x.com/fanny/status/{ID}")
    assert post_digest(post) != digest
    after = post_content(post)
    [x] = [v for v in after["variants"] if v["network"] == "x"]
    assert x["quote_url"] == f"https://x.com/fanny/status/{ID}"
    with translation.override("en"):
        assert content_changes(before, after) == ["X: quoted post"]
        post.variants.filter(network="x").update(quote_url=f"https://x.com/other/status/{ID}")
        assert content_changes(after, post_content(post)) == ["X: quoted post"]
    post.variants.filter(network="x").update(quote_url="")
    assert post_digest(post) == digest
    # Another network's quote is not content: it is never sent.
    post.variants.filter(network="mastodon").update(quote_url=f"https://x.com/a/status/{ID}")
    assert post_digest(post) == digest


@pytest.fixture
def approved(cast) -> Post:
    cast.workspace.approval_required = True
    cast.workspace.save()
    channel_create_demo(workspace=cast.workspace, network="x", name="X")
    post = _draft(cast, ["x"])
    post.variants.update(quote_url=f"https://x.com/fanny/status/{ID}")
    post.publish_at = timezone.now() + timedelta(days=2)
    post.save()
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=post, actor=cast.anna)
    assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED
    return Post.objects.get(pk=post.pk)


def test_changing_the_quote_after_approval_sends_the_post_back(
    client: Client, cast, approved: Post
) -> None:
    client.force_login(cast.erin)
    same = client.post(f"/w/lumiere/posts/{approved.pk}/", _composer(approved))
    assert same.status_code == 302
    assert Post.objects.get(pk=approved.pk).status == PostStatus.SCHEDULED  # nothing changed
    # The same post given another way (its other address) is no change either.
    again = _composer(approved, **{"x-quote_url": f"https://twitter.com/fanny/status/{ID}?s=1"})
    client.post(f"/w/lumiere/posts/{approved.pk}/", again)
    assert Post.objects.get(pk=approved.pk).status == PostStatus.SCHEDULED
    other = _composer(approved, **{"x-quote_url": "https://x.com/fanny/status/42"})
    client.post(f"/w/lumiere/posts/{approved.pk}/", other)
    assert Post.objects.get(pk=approved.pk).status == PostStatus.IN_REVIEW
    assert not PostTarget.objects.exists()
    assert approved.variants.get().quote_url == "https://x.com/fanny/status/42"


def test_a_quote_changed_behind_the_approval_does_not_go_out(cast, approved: Post) -> None:
    approved.variants.update(quote_url="https://x.com/fanny/status/42")  # any path, no form
    target = PostTarget.objects.get()
    PostTarget.objects.update(next_attempt_at=timezone.now())
    post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert not DemoPost.objects.exists()  # nothing went out
    assert Post.objects.get(pk=approved.pk).status == PostStatus.IN_REVIEW


# --- What goes out ---------------------------------------------------------------------------


class Recording(DemoConnector):
    """The demo network, keeping what it was asked to publish."""

    key = "recording"
    posts: ClassVar[list[tuple[str, OutgoingPost]]] = []

    def publish(self, post: OutgoingPost) -> PublishedPost:
        Recording.posts.append((self.channel.network, post))
        return super().publish(post)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setitem(CONNECTORS, Recording.key, f"{__name__}.Recording")
    Recording.posts = []


def _publish(post: Post) -> list[PostTarget]:
    targets = post_publish_now(post=post)
    for target in targets:
        post_target_publish(PostTarget.objects.get(pk=target.pk))
    return [PostTarget.objects.get(pk=t.pk) for t in targets]


def test_the_quote_goes_out_to_x_only(cast, recording) -> None:
    for network in ("x", "mastodon"):
        Channel.objects.create(
            workspace=cast.workspace, network=network, connector=Recording.key, name=network
        )
    post = _draft(cast, ["x", "mastodon"])
    post.variants.update(quote_url=f"https://x.com/fanny/status/{ID}")  # Mastodon's is not sent
    _publish(post)
    assert sorted((n, p.quote_of) for n, p in Recording.posts) == [("mastodon", None), ("x", ID)]


def test_an_address_that_names_no_post_is_refused_before_anything_is_sent(cast, recording) -> None:
    Channel.objects.create(workspace=cast.workspace, network="x", connector=Recording.key, name="X")
    post = _draft(cast, ["x"])
    post.variants.update(quote_url="https://evil.example/status/1")  # not through the composer
    with translation.override("en"):
        [target] = _publish(post)
    assert target.status == TargetStatus.FAILED and Recording.posts == []
    assert "The quoted post's address is not one of X's" in target.error


def test_a_duplicate_keeps_the_quote(cast) -> None:
    post = _draft(cast, ["x"])
    post.variants.update(quote_url=f"https://x.com/fanny/status/{ID}")
    copy = workflow.post_duplicate(post=post, actor=cast.erin)
    assert copy.variants.get().quote_url == f"https://x.com/fanny/status/{ID}"


# --- On the X double -------------------------------------------------------------------------


@pytest.mark.network
def test_the_first_post_of_a_thread_quotes_the_post_on_x(cast, x_double: XDouble) -> None:
    brand = connect(x_double, cast.workspace)
    fan = x_double.user("fanny", "Fanny Fan")
    original = x_double.post(fan, "Le meilleur croissant du quartier")
    post = _draft(cast, ["x"])
    post.variants.update(
        text="Merci Fanny !",
        thread=["Et demain, pain au chocolat."],
        quote_url=f"https://x.com/{fan.username}/status/{original.id}",
    )
    [target] = _publish(post)
    assert target.status == TargetStatus.PUBLISHED, target.error
    first = x_double.get(target.remote_id)
    [part] = [x_double.get(i) for i in target.part_ids]
    assert first is not None and first.quote_of == original.id
    assert part is not None and part.in_reply_to == first.id and part.quote_of is None
    # As X shows it: the post references the quoted one, which comes along in `includes`.
    read = httpx.get(
        f"{x_double.url}/2/tweets",
        params={"ids": f"{first.id},{part.id}", "expansions": "referenced_posts"},
        headers={"Authorization": f"Bearer {brand.token}"},
    ).json()
    posts = {p["id"]: p for p in read["data"]}
    assert posts[first.id]["referenced_posts"] == [{"type": "quoted", "id": original.id}]
    assert posts[part.id]["referenced_posts"] == [{"type": "replied_to", "id": first.id}]
    assert [p["text"] for p in read["includes"]["posts"]] == [
        "Le meilleur croissant du quartier",
        "Merci Fanny !",
    ]


@pytest.mark.network
def test_a_quoted_post_gone_from_x_fails_with_xs_reason(cast, x_double: XDouble) -> None:
    brand = connect(x_double, cast.workspace)
    fan = x_double.user("fanny", "Fanny Fan")
    original = x_double.post(fan, "Bientôt effacé")
    original.deleted = True
    post = _draft(cast, ["x"])
    post.variants.update(quote_url=original.id)
    with translation.override("en"):
        [target] = _publish(post)
    assert target.status == TargetStatus.FAILED
    assert "quote" in target.error and not target.remote_id
    assert x_double.posts_by(brand.user) == []


def test_a_published_quote_stays_as_it_went_out(cast, recording) -> None:
    Channel.objects.create(workspace=cast.workspace, network="x", connector=Recording.key, name="X")
    post = _draft(cast, ["x"])
    post.variants.update(quote_url=f"https://x.com/fanny/status/{ID}")
    _publish(post)
    post = Post.objects.get(pk=post.pk)
    same = variant_data(post.variants.get())
    arguments = {
        "idea": post.idea,
        "category": post.category,
        "networks": ["x"],
        "publish_at": post.publish_at,
    }
    with pytest.raises(ContentLocked):
        changed = {"x": replace(same, quote_url="https://x.com/fanny/status/42")}
        post_update(post=Post.objects.get(pk=post.pk), variants=changed, **arguments)
    post_update(post=Post.objects.get(pk=post.pk), variants={"x": same}, **arguments)
    assert post.variants.get().quote_url == f"https://x.com/fanny/status/{ID}"
