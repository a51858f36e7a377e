"""A number as the active language writes it, rounded. Django's number_format cuts the
decimals it leaves out (65.58 with no decimal: "65"), which had the dashboard say 65 % where
the strategy page, rounding, said 66, and a content mix add up to 99.9 %."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats


def number_text(value: float | Decimal, places: int | None = None) -> str:
    """`value` with `places` decimals, rounded half up (as a person rounds: 2.5 → 3), grouped
    as the language groups thousands; `places` None writes the decimals it has."""
    if places is not None and not isinstance(value, int) and math.isfinite(value):
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        value = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(value, places, force_grouping=True)
