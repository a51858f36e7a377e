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


def test_the_check_takes_linear_time_whatever_the_quotes() -> None:
    """A quote left open followed by escaped quotes: tried naively, each escaped quote opens
    a new string read to the end (64 KB took 14 s, a 5 MB network answer days)."""
    import time

    for body in (b'"' + b'\\"' * 40_000, b'["' + b'\\"[' * 30_000):
        started = time.monotonic()
        with pytest.raises(ValueError):
            json_loads_bounded(body)
        assert time.monotonic() - started < 2
    # Still: brackets after a quote left open count, whatever quotes follow it.
    assert nesting_exceeds(b'"\\"' + b"[" * 10, 5)
    assert nesting_exceeds(b'x"\\"\\' + b'"' + b"[" * 10, 5)


def test_the_linear_check_counts_as_the_plain_one_did() -> None:
    """Against the plain reading (each quote tried as a string to its end, else skipped),
    on every short body made of quotes, backslashes and brackets: the same depths."""
    import itertools
    import re

    plain = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)

    def plain_exceeds(raw: bytes, limit: int) -> bool:
        depth = 0
        for token in plain.finditer(raw):
            mark = token.group()
            depth += 1 if mark in (b"[", b"{") else -1 if mark in (b"]", b"}") else 0
            if depth > limit:
                return True
        return False

    for size in range(1, 8):
        for letters in itertools.product(b'"\\[]', repeat=size):
            raw = bytes(letters)
            for limit in (0, 1, 2):
                assert nesting_exceeds(raw, limit) == plain_exceeds(raw, limit), raw
