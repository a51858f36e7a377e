"""Repository event stream frames made by hand, as a PDS or a relay sends them: a DAG-CBOR
header and body, the commit's blocks in a CAR file."""

from __future__ import annotations

import hashlib
from typing import Any

import libipld


def cid_for(block: bytes) -> bytes:
    """A CIDv1, dag-cbor, sha2-256: the binary form the stream carries."""
    return b"\x01\x71\x12\x20" + hashlib.sha256(block).digest()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def car(blocks: list[bytes]) -> bytes:
    header = libipld.encode_dag_cbor({"version": 1, "roots": [cid_for(blocks[0])]})
    out = _varint(len(header)) + header
    for block in blocks:
        cid = cid_for(block)
        out += _varint(len(cid) + len(block)) + cid + block
    return out


def commit(seq: int, repo: str, records: dict[str, dict[str, Any]]) -> bytes:
    """A frame creating each record at its path (collection/rkey)."""
    encoded = {path: libipld.encode_dag_cbor(record) for path, record in records.items()}
    ops = [
        {"action": "create", "path": path, "cid": cid_for(block)} for path, block in encoded.items()
    ]
    body = {
        "seq": seq,
        "repo": repo,
        "ops": ops,
        "blocks": car([libipld.encode_dag_cbor({"did": repo}), *encoded.values()]),
        "time": "2026-12-04T10:00:00.000Z",
        "rev": "3n3ue7uq7u22t",
        "commit": cid_for(b"commit"),
        "blobs": [],
        "tooBig": False,
        "rebase": False,
    }
    return libipld.encode_dag_cbor({"op": 1, "t": "#commit"}) + libipld.encode_dag_cbor(body)


def other(seq: int, kind: str = "#identity", time: str = "2026-12-04T10:00:00.000Z") -> bytes:
    body = {"seq": seq, "did": "did:plc:someone", "time": time}
    return libipld.encode_dag_cbor({"op": 1, "t": kind}) + libipld.encode_dag_cbor(body)


def error(name: str) -> bytes:
    return libipld.encode_dag_cbor({"op": -1}) + libipld.encode_dag_cbor(
        {"error": name, "message": "no"}
    )


def post(text: str, **fields: Any) -> dict[str, Any]:
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-12-04T10:00:00Z"}
    return record | fields
