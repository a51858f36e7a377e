from __future__ import annotations

import pytest

from palabre.lib.boundedjson import TooDeep, json_loads_bounded, nesting_exceeds


def test_depth_is_counted_outside_strings_only() -> None:
    assert not nesting_exceeds(b'{"a": [[1], {"b": "[[[[[[{{{{"}]}', 3)
    assert nesting_exceeds(b'{"a": [[[1]]]}', 3)
    assert not nesting_exceeds(b'["\\"[[[[", "\\\\"]', 1)  # escaped quotes stay in the string
    assert nesting_exceeds(b'["\\\\"[[[', 2)  # an escaped backslash ends it: the brackets count


def test_a_hostile_body_never_reaches_the_parser() -> None:
    with pytest.raises(TooDeep):
        json_loads_bounded(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(TooDeep):
        json_loads_bounded(b'"' + b"[" * 100_000)  # a quote left open hides nothing
    assert json_loads_bounded(b"[" * 32 + b"]" * 32, max_depth=32) is not None
    with pytest.raises(ValueError):
        json_loads_bounded(b"\xff{")
