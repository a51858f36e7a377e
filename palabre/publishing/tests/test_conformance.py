"""The validators against the networks' own conformance data, loaded at test time.

Each section asserts 100% and records its pass count, printed at the end of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from palabre.publishing.rules import atproto_syntax, entities, x
from palabre.publishing.tests.shared import shared_path

PASS_COUNTS: dict[str, tuple[int, int]] = {}


@pytest.fixture(autouse=True)
def _report_pass_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    """The counts travel in the test's report, which pytest-xdist's workers send to the
    process that prints the summary (conftest.py); a worker's own dict stays with it."""
    yield
    for label, counts in PASS_COUNTS.items():
        request.node.user_properties.append(("conformance", (label, *counts)))


def _run(label: str, cases: list[dict[str, Any]], actual: Callable[[str], Any]) -> None:
    failures = [
        (c["description"], c["text"], actual(c["text"]), c["expected"])
        for c in cases
        if actual(c["text"]) != c["expected"]
    ]
    PASS_COUNTS[label] = (len(cases) - len(failures), len(cases))
    assert failures == []


def _yaml(name: str) -> dict[str, list[dict[str, Any]]]:
    path = shared_path("conformance", "twitter-text", "conformance", name)
    return yaml.safe_load(path.read_text())["tests"]


def _weighted(version: str) -> Callable[[str], dict[str, Any]]:
    def parse(text: str) -> dict[str, Any]:
        r = x.parse(text, version=version)
        return {
            "weightedLength": r.weightedLength,
            "valid": r.valid,
            "permillage": r.permillage,
            "displayRangeStart": r.displayRangeStart,
            "displayRangeEnd": r.displayRangeEnd,
            "validRangeStart": r.validRangeStart,
            "validRangeEnd": r.validRangeEnd,
        }

    return parse


VALIDATE = {
    "tweets": lambda t: x.parse(t, version="v1").valid,
    "WeightedTweetsCounterTest": _weighted("v2"),
    "WeightedTweetsWithDiscountedEmojiCounterTest": _weighted("v3"),
    "UnicodeDirectionalMarkerCounterTest": _weighted("v3"),
}


def _values(extract: Callable[[str], list[entities.Entity]]) -> Callable[[str], list[str]]:
    return lambda text: [e.value for e in extract(text)]


def _indexed(
    extract: Callable[[str], list[entities.Entity]], key: str
) -> Callable[[str], list[dict[str, Any]]]:
    return lambda text: [{key: e.value, "indices": [e.start, e.end]} for e in extract(text)]


EXTRACT = {
    "urls": _values(entities.urls),
    "urls_with_indices": _indexed(entities.urls, "url"),
    "hashtags": _values(entities.hashtags),
    "hashtags_from_astral": _values(entities.hashtags),
    "hashtags_with_indices": _indexed(entities.hashtags, "hashtag"),
    "mentions": _values(entities.mentions),
    "mentions_with_indices": _indexed(entities.mentions, "screen_name"),
    "cashtags": _values(entities.cashtags),
    "cashtags_with_indices": _indexed(entities.cashtags, "cashtag"),
}


@pytest.mark.parametrize("section", sorted(VALIDATE))
def test_twitter_text_validate(section: str) -> None:
    _run(f"twitter-text validate.yml {section}", _yaml("validate.yml")[section], VALIDATE[section])


@pytest.mark.parametrize("section", sorted(EXTRACT))
def test_twitter_text_extract(section: str) -> None:
    _run(f"twitter-text extract.yml {section}", _yaml("extract.yml")[section], EXTRACT[section])


ATPROTO = {
    "handle": atproto_syntax.is_valid_handle,
    "aturi": atproto_syntax.is_valid_at_uri,
    "did": atproto_syntax.is_valid_did,
    "nsid": atproto_syntax.is_valid_nsid,
    "recordkey": atproto_syntax.is_valid_record_key,
}


@pytest.mark.parametrize("kind", sorted(ATPROTO))
def test_atproto_interop_syntax(kind: str) -> None:
    cases = []
    for validity in ("valid", "invalid"):
        path = shared_path(
            "conformance", "atproto-interop", "syntax", f"{kind}_syntax_{validity}.txt"
        )
        lines = [
            line for line in path.read_text().splitlines() if line and not line.startswith("#")
        ]
        cases += [
            {"description": line, "text": line, "expected": validity == "valid"} for line in lines
        ]
    _run(f"atproto-interop {kind}_syntax", cases, ATPROTO[kind])
