"""What the layout tests walk and measure: every page a role can open, and the elements
that stick out of the viewport."""

from __future__ import annotations

# Every page of the demo a person opens, as paths with {slug}, {item} (a criticism in the
# inbox), {contact}, {post} (a draft) and {review} (a post in review). Pages a
# role may not open answer 403 and are skipped.
PAGES = [
    "/w/{slug}/",
    "/w/{slug}/strategy/",
    "/w/{slug}/strategy/links/",
    "/w/{slug}/strategy/return/",
    "/w/{slug}/time/",
    "/w/{slug}/calendar/",
    "/w/{slug}/calendar/?view=week",
    "/w/{slug}/compose/",
    "/w/{slug}/posts/{post}/",
    "/w/{slug}/posts/{review}/review/",
    "/w/{slug}/posts/import/",
    "/w/{slug}/notices/",
    "/w/{slug}/media/",
    "/w/{slug}/inbox/",
    "/w/{slug}/inbox/?q=all",
    "/w/{slug}/inbox/{item}/",
    "/w/{slug}/inbox/log/",
    "/w/{slug}/inbox/rules/",
    "/w/{slug}/inbox/replies/",
    "/w/{slug}/inbox/settings/",
    "/w/{slug}/listening/",
    "/w/{slug}/listening/{heard}/",
    "/w/{slug}/listening/searches/",
    "/w/{slug}/listening/trends/",
    "/w/{slug}/contacts/",
    "/w/{slug}/contacts/{contact}/",
    "/n/{slug}/",
    "/w/{slug}/community/",
    "/w/{slug}/community/?show=drifting",
    "/w/{slug}/reports/",
    "/w/{slug}/reports/definitions/",
    "/w/{slug}/reports/settings/",
    "/w/{slug}/settings/",
    "/w/{slug}/settings/members/",
    "/w/{slug}/settings/channels/",
    "/w/{slug}/settings/channels/mastodon/",
    "/w/{slug}/settings/api/",
    "/w/{slug}/settings/webhooks/",
    "/workspaces/",
    "/account/",
    "/account/two-factor/",
    "/account/password/",
]

# The outermost visible elements whose box goes past the viewport's right or left edge
# (an element inside a scrolling box counts too: scrolling a table sideways is still
# scrolling sideways). Visually hidden helpers (the skip link, .sr-only) are left out.
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const sticks = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    if (style.position === "absolute" && (style.clip !== "auto" || el.classList.contains("skip-link"))) return false;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    return box.right > width + 1 || box.left < -1;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (!sticks(el) || (el.parentElement && sticks(el.parentElement))) continue;
    if (el.closest(".sr-only, .skip-link")) continue;
    const box = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    out.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
  return out;
}
"""

# The words of letters the browser cut across two lines ("Mercre|di"): a word is broken
# when its Range's boxes sit on two lines. URLs, @handles, #hashtags, addresses and words
# over 24 letters may be cut (they would stick out otherwise); visually hidden text (one
# pixel wide, like .sr-only or a stacked table's head) is never seen, so it does not count.
BROKEN_WORDS_JS = r"""
() => {
  const hiddenCache = new Map();
  const isHidden = (el) => {
    if (!el || el === document.body) return false;
    if (!hiddenCache.has(el)) {
      const style = getComputedStyle(el);
      const clipped = style.position === "absolute" &&
        (style.clip !== "auto" || el.getBoundingClientRect().width <= 1);
      hiddenCache.set(el, style.visibility === "hidden" || clipped || isHidden(el.parentElement));
    }
    return hiddenCache.get(el);
  };
  const onTwoLines = (range) => {
    const tops = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => r.top);
    return tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 3;
  };
  const nameOf = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const out = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!/\p{L}{2}/u.test(node.data) || el.closest("script, style, noscript, template, textarea, select") || isHidden(el)) continue;
    for (const token of node.data.matchAll(/\S+/g)) {
      if (/[/@#]|www\.|\.\p{L}/u.test(token[0])) continue;  // a URL, a handle, a hashtag, an address
      for (const word of token[0].matchAll(/\p{L}{2,}/gu)) {
        if (word[0].length > 24) continue;
        const start = token.index + word.index;
        range.setStart(node, start);
        range.setEnd(node, start + word[0].length);
        if (onTwoLines(range)) out.push(`"${word[0]}" in ${nameOf(el)}`);
      }
    }
  }
  return out;
}
"""


def serious_violations(axe, page) -> list[str]:  # type: ignore[no-untyped-def]
    """What axe-core finds serious or critical on the page as it is now."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


DEMO_PEOPLE = {
    "owner": "camille@lumiere.example",
    "manager": "lucas@lumiere.example",
    "editor": "ines@lumiere.example",
    "contributor": "paul@lumiere.example",
    "approver": "helene@lumiere.example",
    "analyst": "nora@lumiere.example",
}


def log_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Through the login form, as a person does; lands on the person's home."""
    page.goto(f"{base}/login/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_email) button[type=submit]").click()
    page.wait_for_url(f"{base}/w/**")


def demo_ids() -> dict[str, object]:
    """The demo's objects the page paths name."""
    from palabre.inbox.models import Interaction
    from palabre.listening.models import Heard
    from palabre.publishing.models import Post, PostStatus
    from palabre.web.demo import DEMO_SLUG

    item = Interaction.objects.filter(category="criticism").order_by("pk").first()
    draft = Post.objects.filter(status=PostStatus.DRAFT).order_by("pk").first()
    review = Post.objects.filter(status=PostStatus.IN_REVIEW).order_by("pk").first()
    heard = Heard.objects.filter(workspace__slug=DEMO_SLUG).order_by("pk").first()
    assert item and item.identity and draft and review and heard, "the demo changed"
    return {
        "slug": DEMO_SLUG,
        "item": item.pk,
        "contact": item.identity.contact_id,
        "post": draft.pk,
        "review": review.pk,
        "heard": heard.pk,
    }


# The posts table's columns as its CSV names them in French (the page shows fewer).
POST_COLUMNS = {
    "channel": "Canal",
    "likes": "J’aime",
    "shares": "Partages",
    "comments": "Commentaires",
    "reach": "Portée",
    "impressions": "Impressions",
    "saves": "Enregistrements",
    "clicks": "Clics",
}


def post_figures(page, base: str, slug: str, idea: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A post's row of the reports, every column, from the posts table's CSV as the person
    downloads it (with the page's session)."""
    from palabre.lib.tests.csvfiles import csv_dicts

    rows = csv_dicts(page.request.get(f"{base}/w/{slug}/reports/posts.csv").body())
    row = next(r for r in rows if r["Idée"].startswith(idea))
    return {key: row[label] for key, label in POST_COLUMNS.items()}


def check_answered(page) -> None:  # type: ignore[no-untyped-def]
    """Waits until the composer's live check (htmx) has answered what was just done: htmx
    marks the form while its request is out. wait_for_load_state("networkidle") does not
    wait for it: the page's load went idle long before, so it returns at once."""
    from playwright.sync_api import expect

    expect(page.locator("form.htmx-request")).to_have_count(0)


def no_check_errors(page, network: str) -> None:  # type: ignore[no-untyped-def]
    """The live check of `network`'s variant ends with no error (asked again until it
    answers: an earlier answer may still be shown)."""
    from playwright.sync_api import expect

    expect(page.locator(f"#check-{network} .problems.errors")).to_have_count(0)


# The composer's networks, as its checkboxes are labelled (French).
COMPOSER_NETWORKS = (
    "X",
    "Bluesky",
    "Mastodon",
    "Threads",
    "LinkedIn",
    "Page Facebook",
    "Instagram",
)


def networks_ticked(page, wanted: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Tick these networks in the composer and untick the others, whatever it ticked first
    (the connected networks the strategy chose)."""
    for network in COMPOSER_NETWORKS:
        box = page.get_by_role("checkbox", name=network, exact=True)
        box.set_checked(network in wanted)
