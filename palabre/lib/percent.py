"""A percentage, a label's colon, clauses' semicolons or a quotation, written as the active
language writes it: English "77%", "Bluesky:", "a; b" and “pain”, French "77 %",
"Bluesky :", "a ; b" and « pain »."""

from __future__ import annotations

from django.utils.translation import get_language, gettext

from palabre.lib.numbers import number_text

# French puts a no-break space before the sign, so that "%" never starts a line; the
# regular no-break space (not the narrow one) because the PDF's font draws it.
SPACE_BEFORE = {"fr": "\u00a0"}


def _language() -> str:
    """The active language without its region: "fr" for fr-CA."""
    return (get_language() or "").split("-")[0]


def _sign(sign: str) -> str:
    """`sign` (% or :) with the space the active language puts before it, if any."""
    return SPACE_BEFORE.get(_language(), "") + sign


def quoted_text(text: str) -> str:
    """Someone's words in the language's quotation marks (French: « », spaced)."""
    return gettext("“%(text)s”") % {"text": text}


def listed_text(items: list[str]) -> str:
    """Clauses one after the other, as the language separates them: "a; b", "a ; b"."""
    return (_sign(";") + " ").join(str(item) for item in items)


def colon_text() -> str:
    """A colon as the active language writes it after a label: "Bluesky:", "Bluesky :"."""
    return _sign(":")


def signed_text(number: float, places: int = 0) -> str:
    """A change as it is written: +3, −1 234 (a minus sign, not a hyphen), ±0."""
    shown = number_text(abs(number), places)
    if shown.strip("0.,") == "":  # −0.4 rounds to 0: no change is shown as one
        return "±" + shown
    return ("+" if number > 0 else "−" if number < 0 else "±") + shown


def percent_text(number: float, places: int = 0, *, signed: bool = False) -> str:
    """`number` (already in percent: 77 for 77 %) with `places` decimals; `signed` writes
    +3 % or −3 %, as a change is written."""
    shown = signed_text(number, places) if signed else number_text(number, places)
    return shown + _sign("%")


def share_text(share: float, places: int = 0) -> str:
    """A share from 0 to 1, as a percentage: 0.773 → "77 %" (or "77.3%" with one place)."""
    return percent_text(share * 100, places)


# The signs of the currencies written with one; any other currency keeps its code.
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def money_text(amount: float, currency: str) -> str:
    """An amount in its currency as the active language writes it: "16,67 €" in French,
    "€16.67" and "-€5.00" in English; a currency without a sign after: "16.67 CHF"."""
    shown = number_text(amount, 2)
    code = str(currency).upper()
    sign = CURRENCY_SIGNS.get(code)
    if sign is None or _language() == "fr":
        return f"{shown}\u00a0{sign or code}"  # never the sign alone on the next line
    minus = shown[:1] if shown[:1] in "-−" else ""
    return minus + sign + shown[len(minus) :]
