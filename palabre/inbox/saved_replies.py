"""What the brand says in its own voice: saved replies, their fields, and people's names.

A saved reply is text with three fields, `{first_name}`, `{name}` and `{handle}`, and
nothing else: no format specification (`{first_name:>30000000}` made pages megabytes
long), no conversion, no attribute or index access. The form refuses anything else at
save; rendering replaces those three exact fields and leaves any other text as it is,
so a row stored before the rule renders as harmless text.

A name comes from the commenter's display name, which anyone chooses: in a public reply
signed by the brand it keeps only words made of letters (no link, no @handle, no
#hashtag, no markup, no emoji), and is bounded. With no such word, there is no name.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from palabre.inbox.models import Interaction

FIELDS = ("first_name", "name", "handle")
TEXT_MAX = 1000  # longer than any network lets a reply be
NAME_MAX = 60
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# A field and the space before it: with no value, both go ("Merci {first_name} !" → "Merci !").
_FIELD = re.compile(r"( ?)\{(first_name|name|handle)\}")
_TAGS = re.compile(r"<[^>]*>")
_DOMAIN = re.compile(r"\.[^\W\d_]{2,}")  # "evil.example", "www.x.com": a link without http
_NAME_PUNCTUATION = frozenset("-'’.")


def saved_reply_text_problem(text: str) -> str | None:
    """Why `text` cannot be a saved reply, in the person's language, or None."""
    for field in _PLACEHOLDER.findall(text):
        if field not in FIELDS:
            return _(
                "Only {first_name}, {name} and {handle} can be filled in: “{%(field)s}” "
                "cannot (no format, no conversion, no attribute or index)."
            ) % {"field": field[:40]}
    return None


def public_name(raw: str) -> str:
    """The words of a display name that can be said in the brand's voice, or ""."""
    text = _TAGS.sub(" ", unicodedata.normalize("NFKC", raw))
    words = [word for word in text.split() if _is_name_word(word)]
    name = ""
    for word in words:
        if len(name) + len(word) + 1 > NAME_MAX:
            break
        name = f"{name} {word}" if name else word
    return name


def _is_name_word(word: str) -> bool:
    letters = any(unicodedata.category(c).startswith("L") for c in word)
    allowed = all(unicodedata.category(c)[0] in "LM" or c in _NAME_PUNCTUATION for c in word)
    return letters and allowed and not _DOMAIN.search(word)


def saved_reply_render(*, text: str, interaction: Interaction) -> str:
    identity = interaction.identity
    contact = identity.contact if identity else None
    name = public_name(contact.name) if contact else ""
    values = {
        "first_name": name.split()[0] if name else "",
        "name": name,
        "handle": identity.at_handle if identity else "",
    }

    def fill(match: re.Match[str]) -> str:
        value = values[match.group(2)]
        return match.group(1) + value if value else ""

    # One pass, so a value is never read again as a field; a row longer than the form
    # allows (stored before the rule) is cut rather than grown.
    return _FIELD.sub(fill, text[: TEXT_MAX * 4])[: TEXT_MAX * 4]
