"""The workspace's editorial guidelines, applied in the composer as warnings (a person may
still decide to publish): words to avoid, hashtags per network, "tu" where the workspace
says "vous" in French, and the promotional share of the coming weeks against the
workspace's maximum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import regex
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.accounts.models import Workspace
from palabre.lib.percent import percent_text
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Category, Post, PostStatus
from palabre.publishing.rules.base import Problem
from palabre.publishing.rules.entities import hashtags
from palabre.strategy.models import Address, NetworkPlan, Strategy

COMING_DAYS = 28  # "the coming weeks" whose mix a new promotional post changes


def words_found(text: str, words: list[str]) -> list[str]:
    """The words to avoid that `text` holds as whole words, whatever their case."""
    folded = text.casefold()
    return [
        word
        for word in words
        if regex.search(rf"(?<!\w){regex.escape(word.casefold())}(?!\w)", folded)
    ]


# "tu" and the words that go with it. "ton" after an article or a possessive is the noun
# ("sur un ton léger", "le même ton" aside), as in English "a ton of"; "t’" is followed by
# a verb ("t’attend"). Addresses are left out ("/ta/"). Not only in texts read as French: a
# short one is often read as another language ("On t’attend samedi !"), and a warning too
# many costs less than a client addressed as "tu".
TUTOIEMENT = regex.compile(
    r"(?<!\w)(?:tu|te|toi|ta|tes|(?<!\b(?:le|un|du|ce|son|mon|au|même|bon|sur|quel) )ton(?!\s+(?:of|sur)\b))"
    r"(?![\w-])|(?<!\w)t['’](?=\w)",
    regex.IGNORECASE,
)


def tutoiement_found(text: str) -> list[str]:
    """The "tu" forms `text` holds, each once, in lower case."""
    words = " ".join(word for word in text.split() if not _address(word))
    return list(dict.fromkeys(m.group(0).casefold() for m in TUTOIEMENT.finditer(words)))


def _address(word: str) -> bool:
    """A web address, word by word: a pattern over the whole text backtracked for minutes
    on 100 KB without a space (the hostile sweep)."""
    host = word.split("/", 1)[0]
    return "://" in word or word.lower().startswith("www.") or ("/" in word and "." in host)


@dataclass(frozen=True)
class Breach:
    """One guideline a variant breaks: a word to avoid, "tu" where the workspace says
    "vous", or more hashtags than allowed."""

    code: str
    word: str = ""
    count: int = 0
    maximum: int = 0


def variant_breaches(
    *, words: list[str], plan: NetworkPlan | None, texts: list[str], address: str = ""
) -> list[Breach]:
    """What one variant (its text, thread parts and first comment) does against the guidelines."""
    found = [Breach("guidelines.word", word=word) for word in words_found("\n".join(texts), words)]
    if address == Address.VOUS:
        forms = [form for text in texts for form in tutoiement_found(text)]
        found += [Breach("guidelines.address", word=form) for form in dict.fromkeys(forms)]
    if plan is not None and plan.max_hashtags is not None:
        count = max((len(hashtags(text)) for text in texts), default=0)
        if count > plan.max_hashtags:
            found.append(Breach("guidelines.hashtags", count=count, maximum=plan.max_hashtags))
    return found


def _breach_problem(breach: Breach) -> Problem:
    if breach.code == "guidelines.word":
        message = _("Guidelines: “%(word)s” is on the workspace’s list of words to avoid.")
        return Problem(breach.code, message % {"word": breach.word})
    if breach.code == "guidelines.address":
        message = _("Guidelines: “%(word)s” says “tu”, where the workspace says “vous”.")
        return Problem(breach.code, message % {"word": breach.word})
    message = ngettext(
        "Guidelines: %(count)s hashtags where the policy for this network allows %(max)s.",
        "Guidelines: %(count)s hashtags where the policy for this network allows %(max)s.",
        breach.count,
    )
    return Problem(breach.code, message % {"count": breach.count, "max": breach.maximum})


def _breaches_by_network(
    workspace: Workspace, variants: dict[str, list[str]]
) -> dict[str, list[Breach]]:
    strategy = Strategy.objects.filter(workspace=workspace).first()
    words = strategy.avoided_words() if strategy else []
    address = strategy.address if strategy else ""
    plans = {p.network: p for p in NetworkPlan.objects.filter(workspace=workspace)}
    return {
        network: variant_breaches(
            words=words, plan=plans.get(network), texts=texts, address=address
        )
        for network, texts in variants.items()
    }


def variants_guideline_problems(
    *, workspace: Workspace, variants: dict[str, list[str]]
) -> dict[str, list[Problem]]:
    """network → the guideline warnings of its variant's texts."""
    return {
        network: [_breach_problem(breach) for breach in breaches]
        for network, breaches in _breaches_by_network(workspace, variants).items()
    }


def grouped_guideline_problems(
    *, workspace: Workspace, variants: dict[str, list[str]]
) -> list[Problem]:
    """Each breach once, naming the networks whose variant makes it: an approver reading
    every network at once would otherwise read the same line under each of them."""
    networks_of: dict[Breach, list[str]] = {}
    for network, breaches in sorted(_breaches_by_network(workspace, variants).items()):
        for breach in breaches:
            networks_of.setdefault(breach, []).append(str(NETWORKS[network].label))
    return [_grouped_problem(breach, sorted(labels)) for breach, labels in networks_of.items()]


def _grouped_problem(breach: Breach, labels: list[str]) -> Problem:
    networks = get_text_list(labels, _("and"))
    if breach.code == "guidelines.word":
        message = _(
            "Guidelines: “%(word)s” is on the workspace’s list of words to avoid (%(networks)s)."
        )
        return Problem(breach.code, message % {"word": breach.word, "networks": networks})
    if breach.code == "guidelines.address":
        message = _(
            "Guidelines: “%(word)s” says “tu” (%(networks)s), where the workspace says “vous”."
        )
        return Problem(breach.code, message % {"word": breach.word, "networks": networks})
    message = ngettext(
        "Guidelines: %(count)s hashtag on %(networks)s, where the policy allows %(max)s.",
        "Guidelines: %(count)s hashtags on %(networks)s, where the policy allows %(max)s.",
        breach.count,
    )
    values = {"count": breach.count, "networks": networks, "max": breach.maximum}
    return Problem(breach.code, message % values)


def promotional_share_problem(*, workspace: Workspace, post: Post, category: str) -> Problem | None:
    """When this post is promotional: would the coming weeks' planned posts, it included, be
    more promotional than the workspace's maximum?"""
    if category != Category.PROMOTIONAL:
        return None
    now = timezone.now()
    planned = (
        Post.objects.filter(
            workspace=workspace,
            publish_at__gte=now,
            publish_at__lt=now + timedelta(days=COMING_DAYS),
        )
        .exclude(status=PostStatus.FAILED)
        .exclude(pk=post.pk)
    )
    total = planned.count() + 1
    promotional = planned.filter(category=Category.PROMOTIONAL).count() + 1
    share = promotional * 100 / total
    maximum = workspace.max_promotional_percent
    if share <= maximum:
        return None
    return Problem(
        "guidelines.promotional_share",
        _(
            "Guidelines: with this post, %(promo)s of the %(total)s posts planned for the next "
            "4 weeks are promotional (%(share)s), above the workspace’s maximum of %(max)s. "
            "Give more than you take: plan a helpful or conversational post."
        )
        % {
            "promo": promotional,
            "total": total,
            "share": percent_text(share),
            "max": percent_text(maximum),
        },
    )
