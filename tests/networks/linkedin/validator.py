"""Strict checking of a JSON value against a shape of declared.py: the list of problems
(empty: it fits). An unknown field, a missing required one, a wrong type each is one."""

from __future__ import annotations

from typing import Any

from tests.networks.linkedin.declared import OneOf


def problems(shape: Any, value: Any, where: str = "") -> list[str]:
    here = where or "/"
    if isinstance(shape, OneOf):
        if not isinstance(value, dict):
            return [f"{here}: an object (a union) expected, got {type(value).__name__}"]
        present = [key for key in value if key in shape.members]
        unknown = [key for key in value if key not in shape.members]
        found = [f"{here}/{key}: unknown field" for key in unknown]
        if len(present) != 1:
            found.append(f"{here}: exactly one of {sorted(shape.members)} expected, got {present}")
        for key in present:
            found += problems(shape.members[key], value[key], f"{where}/{key}")
        return found
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{here}: an object expected, got {type(value).__name__}"]
        fields = {name.rstrip("?"): name.endswith("?") for name in shape}
        found = [f"{where}/{key}: unknown field" for key in value if key not in fields]
        for name, optional in fields.items():
            declared = shape[f"{name}?" if optional else name]
            if name not in value:
                if not optional:
                    found.append(f"{where}/{name}: missing")
                continue
            found += problems(declared, value[name], f"{where}/{name}")
        return found
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{here}: an array expected, got {type(value).__name__}"]
        found = []
        for index, item in enumerate(value):
            found += problems(shape[0], item, f"{where}/{index}")
        return found
    return _scalar(shape, value, here)


def _scalar(kind: str, value: Any, here: str) -> list[str]:
    ok: bool
    if kind == "any":
        ok = True
    elif kind in ("string", "url", "urn"):
        ok = isinstance(value, str)
        if ok and kind == "urn":
            ok = value.startswith("urn:li:")
        if ok and kind == "url":
            ok = value.startswith(("http://", "https://"))
    elif kind in ("long", "int"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "double":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "list":
        ok = isinstance(value, str) and value.startswith("List(") and value.endswith(")")
    elif kind.startswith("enum:"):
        ok = value in kind.removeprefix("enum:").split("|")
    else:
        raise ValueError(f"unknown type {kind!r} in a declared shape")
    return [] if ok else [f"{here}: {kind} expected, got {value!r:.60}"]


def query_problems(declared: dict[str, str], query: dict[str, str]) -> list[str]:
    """A request's query parameters (already decoded) against the endpoint's `query`."""
    fields = {name.rstrip("?"): name.endswith("?") for name in declared}
    found = [f"?{key}: unknown parameter" for key in query if key not in fields]
    for name, optional in fields.items():
        if name not in query:
            if not optional:
                found.append(f"?{name}: missing")
            continue
        kind = declared[f"{name}?" if optional else name]
        value: Any = query[name]
        if kind in ("int", "long"):
            value = int(value) if value.lstrip("-").isdigit() else value
        found += _scalar(kind, value, f"?{name}")
    return found
