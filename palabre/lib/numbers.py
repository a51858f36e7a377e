"""A number as the active language writes it, rounded. Django's number_format cuts the
decimals it leaves out (65.58 with no decimal: "65"), which had the dashboard say 65 % where
the strategy page, rounding, said 66, and a content mix add up to 99.9 %."""

from __future__ import annotations

import contextlib
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import formats


def number_text(value: float | Decimal, places: int | None = None) -> str:
    """`value` with `places` decimals, rounded half up (as a person rounds: 2.5 → 3), grouped
    as the language groups thousands, negative with a minus sign (−100, as signed_text
    writes changes); `places` None writes the decimals it has."""
    if places is not None and _roundable(value):
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        with contextlib.suppress(InvalidOperation):  # over 28 digits: written as it is
            value = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = formats.number_format(value, places, force_grouping=True)
    return "−" + text[1:] if text.startswith("-") else text  # a minus sign, not a hyphen


def _roundable(value: Any) -> bool:
    """A finite float or Decimal; anything else (an int, None, a string) goes to Django's
    number_format as it is, as before."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, Decimal) and value.is_finite()


# "1,500" or "1,500.50": English grouping, read as 1500 where "," is not the decimal sign.
_COMMA_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class AmountField(forms.DecimalField):
    """A decimal as people type it in their language: "1 500,50" in French (spaces of any
    width group thousands), "1,500.50" in English, "1500.5" everywhere. Django's own
    localized field drops the grouping only with USE_THOUSAND_SEPARATOR, which this project
    leaves off (it would group the numbers written into attributes and scripts too)."""

    def __init__(self, *, percent_sign: bool = False, **kwargs: Any) -> None:
        # A target of "90 %" where the figure may be a percentage: the sign is read past.
        self.percent_sign = percent_sign
        super().__init__(localize=True, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if isinstance(value, str):
            value = re.sub(r"\s", "", value)  # \s covers no-break spaces, narrow ones too
            if self.percent_sign:
                value = value.removesuffix("%")
            if formats.get_format("DECIMAL_SEPARATOR") == "." and _COMMA_GROUPED.match(value):
                value = value.replace(",", "")
        return super().to_python(value)
