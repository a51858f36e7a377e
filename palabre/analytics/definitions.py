"""Each figure's written definition: shown as a tooltip beside it, listed on the
definitions page, and kept in step with docs/metrics.md (a test checks every key is there)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFINITIONS: dict[str, tuple[Promise, Promise]] = {
    "reach": (
        _("Reach"),
        _(
            "People who saw the post at least once, as the network counts them. Empty where "
            "the network does not say (Bluesky, Mastodon, Threads and X do not)."
        ),
    ),
    "impressions": (
        _("Impressions"),
        _("Times the post was shown, repeats included, where the network gives it."),
    ),
    "saves": (
        _("Saves"),
        _(
            "People who kept the post to come back to it, where the network gives it "
            "(Instagram, and X's bookmarks)."
        ),
    ),
    "video_views": (
        _("Video views"),
        _("Times the post's video was played, as the network counts a view (Facebook, Instagram)."),
    ),
    "clicks": (
        _("Clicks"),
        _(
            "Clicks on the post's content, link or company name, where the network gives them (LinkedIn)."
        ),
    ),
    "engagements": (
        _("Engagements"),
        _(
            "Likes + shares (reposts and quotes) + comments on the post, as the network counts them."
        ),
    ),
    "rate_followers": (
        _("Engagement rate (by followers)"),
        _(
            "Engagements ÷ followers of the channel when the post went out. Over several "
            "posts: the sum of engagements ÷ the sum of those follower counts."
        ),
    ),
    "rate_reach": (
        _("Engagement rate (by reach)"),
        _("Engagements ÷ reach, over the posts whose reach the network gives."),
    ),
    "conversation": (
        _("Conversation rate"),
        _("Comments per post. Per 1,000 followers: that rate ÷ followers × 1,000."),
    ),
    "amplification": (
        _("Amplification rate"),
        _(
            "Shares (reposts and quotes) per post. Per 1,000 followers: that rate ÷ followers "
            "× 1,000."
        ),
    ),
    "applause": (
        _("Applause rate"),
        _("Likes per post. Per 1,000 followers: that rate ÷ followers × 1,000."),
    ),
    "response_rate": (
        _("Response rate"),
        _(
            "Share of the comments, mentions, quotes and messages received in the period "
            "(abuse and spam aside) that got a reply from the brand through Palabre."
        ),
    ),
    "response_time": (
        _("Time to first response"),
        _(
            "From the moment a message was posted to the brand's first reply, over the "
            "messages answered: the time within which half were answered, and 9 in 10. In "
            "business hours only when the workspace counts that way (reports settings)."
        ),
    ),
    "dialogue_threads": (
        _("Dialogue index: threads"),
        _("Share of our posts' threads with a comment in the period where the brand replied."),
    ),
    "dialogue_replies": (
        _("Dialogue index: replies per comment"),
        _("Brand replies sent ÷ messages received in the period (abuse and spam aside)."),
    ),
    "unanswered": (
        _("Unanswered now"),
        _("Questions and criticisms nobody has answered or closed yet, at this moment."),
    ),
    "talk_kinds": (
        _("Answered, by kind of message"),
        _(
            "The messages received in the period, kind by kind as Palabre sorted them "
            "(questions, criticism, praise, the rest; abuse and spam aside): how many, how "
            "many the brand answered through Palabre, and the median time to the first answer."
        ),
    ),
    "content_mix": (
        _("Content mix"),
        _(
            "Posts published in the period by category. The promotional share is compared "
            "with the workspace's maximum (20 percent unless the strategy sets another)."
        ),
    ),
    "followers": (
        _("Followers"),
        _("Sum of each channel's follower count on the last day it was read in the period."),
    ),
    "engaged": (
        _("Engaged"),
        _(
            "People with at least one interaction (follows, abuse and spam aside) in the last 90 days."
        ),
    ),
    "members": (
        _("Members"),
        _(
            "Engaged people with 3 or more interactions spread over 2 or more months in the last 12."
        ),
    ),
    "advocates": (
        _("Advocates"),
        _(
            "Members who shared us (a repost or a quote in the last 12 months) or whom a "
            "person marked “recommends us”."
        ),
    ),
    "customers": (
        _("Customers"),
        _("People tagged customer, by hand on their page or by an imported conversion."),
    ),
    "drifting": (
        _("Drifting away"),
        _("Regulars (3+ interactions over 2+ months in the last 12) silent for 45 days or more."),
    ),
    "contributors": (
        _("Top contributors"),
        _("People who wrote to us most in the period: comments, mentions, quotes, messages."),
    ),
    "supporters": (
        _("Supporters to thank"),
        _(
            "People who liked and shared our posts most in the period, but for those whose "
            "words in the period were abuse or spam, or hidden."
        ),
    ),
    "insights": (
        _("What works"),
        _(
            "Per channel, the average engagement rate by followers of each group of posts of "
            "the last 12 months, with how many posts it rests on and its likely range. Nothing "
            "is said under 30 posts in a channel or 8 in a group."
        ),
    ),
    "likely_range": (
        _("Likely range"),
        _(
            "Where the group's true engagement rate most likely lies, given how few posts it "
            "has (a 95 percent confidence interval): the fewer posts, the wider. “Clearly "
            "better” when the whole range is above the channel's average; otherwise the group "
            "ahead could be ahead by chance."
        ),
    ),
    "reach_alert": (
        _("Reach alert"),
        _(
            "Raised when a channel's daily reach stays, 3 days running, under a level that 9 "
            "days in 10 of the 28 before reached: the network may have changed how it shows "
            "posts."
        ),
    ),
}


def definition(key: str) -> str:
    return str(DEFINITIONS[key][1])


def label(key: str) -> str:
    return str(DEFINITIONS[key][0])
