"""`palabre check-post`, run as a person runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from palabre.publishing.tests.test_rules import EXAMPLE


def _run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "-m", "palabre", "check-post", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )


def test_it_prints_the_issue_example_as_the_official_libraries_count() -> None:
    results = {}
    for network in ("bluesky", "x", "mastodon"):
        done = _run("--network", network, stdin=EXAMPLE.encode())
        assert done.returncode == 0, done.stderr
        results[network] = json.loads(done.stdout)
    assert results["bluesky"] | {"errors": [], "warnings": []} == {
        "network": "bluesky",
        "length": 290,
        "max": 300,
        "valid": True,
        "errors": [],
        "warnings": [],
        "bytes": 322,
        "max_bytes": 3000,
        "facets": [{"type": "link", "byteStart": 264, "byteEnd": 282, "uri": "https://lumiere.fr"}],
    }
    assert (results["x"]["length"], results["x"]["max"], results["x"]["valid"]) == (296, 280, False)
    assert results["x"]["errors"][0]["code"] == "x.too_long"
    assert (results["mastodon"]["length"], results["mastodon"]["valid"]) == (295, True)


def test_batch_keeps_order_and_survives_bad_lines() -> None:
    lines = [
        json.dumps({"network": "x", "text": "bonjour"}),
        "{not json",
        json.dumps({"network": "myspace", "text": "a"}),
        json.dumps({"network": "bluesky"}),
        '{"network": "bluesky", "text": "\\ud800"}',
        json.dumps({"network": "mastodon", "text": "a" * 600, "max_chars": 1000}),
    ]
    done = _run("--batch", stdin="\n".join(lines).encode())
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o["valid"] for o in out] == [True, False, False, False, False, True]
    assert [o["errors"][0]["code"] for o in out[1:5]] == [
        "invalid_json",
        "unknown_network",
        "invalid_input",
        "bluesky.invalid_characters",
    ]


def test_messages_follow_the_language() -> None:
    fr = json.loads(_run("--network", "x", "--lang", "fr", stdin=b"").stdout)
    en = json.loads(_run("--network", "x", "--lang", "en", stdin=b"").stdout)
    assert en["errors"][0]["message"] == "Write something: the text is empty."
    assert fr["errors"][0]["message"] != en["errors"][0]["message"]


def test_an_unknown_network_exits_2_with_a_message() -> None:
    done = _run("--network", "myspace", stdin=b"hello")
    assert done.returncode == 2
    assert json.loads(done.stdout)["errors"][0]["code"] == "unknown_network"
    assert b"Traceback" not in done.stderr


def test_undecodable_bytes_are_reported_not_crashed_on() -> None:
    done = _run("--network", "bluesky", stdin=b"\xff\xfe pain")
    assert done.returncode == 0
    assert json.loads(done.stdout)["errors"][0]["code"] == "bluesky.invalid_characters"
