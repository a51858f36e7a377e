"""Who a Mastodon status reaches: its visibility, and the accounts it mentions.

An answer must not reach more people than what it answers, and on Mastodon a direct
status reaches exactly the accounts it mentions: answering a private message without
mentioning its author reaches nobody, and answering it without `visibility=direct` makes
it public. Mastodon notifies only the accounts a status mentions, so the author of what
is answered is always mentioned (unless it is the account itself).
"""

from __future__ import annotations

import re
from typing import Any

from palabre.networks.base import Visibility

TO_MASTODON = {
    Visibility.PUBLIC: "public",
    Visibility.UNLISTED: "unlisted",
    Visibility.FOLLOWERS: "private",
    Visibility.DIRECT: "direct",
}
FROM_MASTODON = {name: visibility for visibility, name in TO_MASTODON.items()}
# Mastodon's Account::MENTION_RE, the domain part allowing a port (loopback servers).
_MENTION = re.compile(r"(?<![=/\w])@(\w+(?:[\w.-]+\w+)?)(?:@([\w.-]+\w+(?::\d+)?))?")

# What a mention can name (Mastodon's own rules): any other name, sent by any server
# through federation ("eve @victim@other.example"), would write more than one mention.
_USERNAME = re.compile(r"\w+(?:[\w.-]+\w+)?")
_DOMAIN = re.compile(r"[\w.-]+\w(?::\d+)?")

Person = tuple[str, str]  # (username, domain in lower case; "" for a local account)


def visibility(value: Any) -> Visibility:
    """A status's visibility. One Palabre does not know ("limited", "local" on some
    servers), or none at all (a field left out, a proxy's cut answer), reads as direct:
    in doubt, the narrowest audience."""
    if not isinstance(value, str):
        return Visibility.DIRECT
    return FROM_MASTODON.get(value, Visibility.DIRECT)


def person(account: dict[str, Any], local_domains: set[str]) -> Person | None:
    """An account as it is mentioned: its acct's domain is dropped when it is this
    instance's own (Takahē writes local accounts "fan@127.0.0.1:PORT", and its mention
    parser stops at the port's colon, so only "@fan" reaches them)."""
    username = account.get("username")
    acct = account.get("acct")
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        return None
    domain = acct.partition("@")[2].lower() if isinstance(acct, str) else ""
    if domain and not _DOMAIN.fullmatch(domain):
        return None
    return (username, "" if domain in local_domains else domain)


def to_answer(status: dict[str, Any], *, me: str, local_domains: set[str]) -> list[Person]:
    """Who an answer to `status` must mention: its author, and for a private message
    everyone else it was addressed to; never the account itself (`me`, its id). An
    account whose name cannot be mentioned is left out (see `reaches_author`)."""
    accounts = [status.get("account")]
    if visibility(status.get("visibility")) is Visibility.DIRECT:
        accounts += status.get("mentions") or []
    people: list[Person] = []
    for account in accounts:
        if not isinstance(account, dict) or str(account.get("id")) == me:
            continue
        found = person(account, local_domains)
        if found and found not in people:
            people.append(found)
    return people


def reaches_author(status: dict[str, Any], *, me: str, local_domains: set[str]) -> bool:
    """Whether an answer to `status` can mention its author (or need not: the account's
    own status). A direct answer that cannot reaches nobody, or someone else."""
    account = status.get("account")
    if not isinstance(account, dict):
        return False
    return str(account.get("id")) == me or person(account, local_domains) is not None


def mentioned(text: str, local_domains: set[str]) -> set[Person]:
    found = {(username, domain.lower()) for username, domain in _MENTION.findall(text)}
    return {(username, "" if domain in local_domains else domain) for username, domain in found}


def handle(who: Person) -> str:
    username, domain = who
    return f"@{username}@{domain}" if domain else f"@{username}"


def with_mentions(text: str, people: list[Person], local_domains: set[str]) -> str:
    """`text` beginning with the mentions it lacks (one already in the text is not repeated)."""
    there = {(u.lower(), d) for u, d in mentioned(text, local_domains)}
    missing = [p for p in people if (p[0].lower(), p[1]) not in there]
    return " ".join([*map(handle, missing), text]) if missing else text
