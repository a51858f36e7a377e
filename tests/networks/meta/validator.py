"""A strict validator of Graph API answers against what Meta's SDK declares (sdk.py) and,
where it declares nothing, against declared.py.

`validate(type_name, value) -> list[str]`: every problem found, each with its path
(`$.data[0].from.name: ...`); an empty list when the value is what the type says.

- primitives: string, int, unsigned int, bool, float, datetime (ISO 8601 as Meta writes
  it: 2026-05-01T12:00:00+0000);
- `Object`/`object`/`map`/`mixed` (anything, only where nothing narrows it);
- `list<X>`, `map<K, V>`, `edge<X>` (`{data: [X], paging, summary}`), `A|B`;
- a class: a JSON object whose every key is a field the class declares (`_field_types`), an
  edge it declares (a `get_<name>` method: `edge<target_class>`) or a refinement; an
  unknown key is a problem, as is a value of the wrong type;
- an enum (`Class.Enum`): one of its values.
"""

from __future__ import annotations

import re
from typing import Any

from tests.networks.meta import declared, sdk

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$")
OPEN = frozenset({"Object", "object", "map", "mixed", "AbstractCrudObject"})
INT_TYPES = frozenset({"int", "unsigned int"})


def validate(type_name: str, value: Any) -> list[str]:
    return _check(type_name.strip(), value, "$")


def route_type(returns: str) -> str:
    """What a route's `returns` means for its body: `list<X>` of a route is an edge."""
    if returns.startswith("list<"):
        return f"edge<{returns[5:-1]}>"
    return returns


def fields_of(type_name: str) -> dict[str, str] | None:
    """Every field a class or declared schema admits, with its type; None if it is no
    object type."""
    if type_name in declared.SCHEMAS:
        return dict(declared.SCHEMAS[type_name])
    cls = sdk.find(type_name)
    if cls is None:
        return None
    found = dict(cls.field_types)
    for method in cls.methods.values():
        name = method.endpoint.strip("/")
        if method.http == "GET" and name and "/" not in name and name not in found:
            found[name] = f"edge<{method.target}>"
    for (owner, field), refined in declared.REFINEMENTS.items():
        if owner == type_name:
            found[field] = refined
    return found


def enum_values(type_name: str) -> list[str] | None:
    if type_name in declared.ENUMS:
        return declared.ENUMS[type_name]
    owner, _, nested = type_name.partition(".")
    found = sdk.find(owner) if nested else None
    return found.enums.get(type_name) if found else None


def split_top(text: str, separator: str) -> list[str]:
    """Split on `separator` outside angle brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _check(type_name: str, value: Any, path: str) -> list[str]:
    if value is None:
        return [f"{path}: null where {type_name} is declared (Graph leaves absent fields out)"]
    alternatives = split_top(type_name, "|")
    if len(alternatives) > 1:
        found = [_check(alt, value, path) for alt in alternatives]
        if any(not problems for problems in found):
            return []
        return [f"{path}: is none of {type_name} ({'; '.join(p[0] for p in found if p)})"]
    if type_name == "string":
        return [] if isinstance(value, str) else [f"{path}: {value!r} is not a string"]
    if type_name in INT_TYPES:
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: {value!r} is not an {type_name}"]
        return [f"{path}: {value} is negative"] if type_name == "unsigned int" and value < 0 else []
    if type_name == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if type_name == "bool":
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not a boolean"]
    if type_name == "datetime":
        ok = isinstance(value, str) and DATETIME.match(value)
        return (
            [] if ok else [f"{path}: {value!r} is not a Graph datetime (YYYY-MM-DDTHH:MM:SS+0000)"]
        )
    if type_name in OPEN:
        return []
    if type_name == "list" or type_name.startswith("list<"):
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} where a list is declared"]
        inner = type_name[5:-1] if type_name.startswith("list<") else "Object"
        return [p for i, item in enumerate(value) for p in _check(inner, item, f"{path}[{i}]")]
    if type_name.startswith("map<"):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__} where a map is declared"]
        kinds = split_top(type_name[4:-1], ",")
        key_type, value_type = (kinds[0], kinds[1]) if len(kinds) == 2 else ("string", kinds[0])
        problems = []
        for key, item in value.items():
            if key_type in INT_TYPES and not str(key).lstrip("-").isdigit():
                problems.append(f"{path}: key {key!r} is not an {key_type}")
            problems += _check(value_type, item, f"{path}.{key}")
        return problems
    if type_name.startswith("edge<"):
        return _edge(type_name[5:-1], value, path)
    values = enum_values(type_name)
    if values is not None:
        return [] if value in values else [f"{path}: {value!r} is not one of {type_name} {values}"]
    fields = fields_of(type_name)
    if fields is None:
        return [f"{path}: type {type_name} is declared nowhere"]
    if not isinstance(value, dict):
        return [f"{path}: {type(value).__name__} where a {type_name} object is declared"]
    problems = []
    for key, item in value.items():
        if key not in fields:
            problems.append(f"{path}: field {key!r} is not declared on {type_name}")
            continue
        problems += _check(fields[key], item, f"{path}.{key}")
    if type_name in REQUIRED:
        problems += [
            f"{path}: {type_name} lacks {key!r}" for key in REQUIRED[type_name] if key not in value
        ]
    return problems


# Keys a shape must have (the SDK says nothing of required fields; Meta's pages do).
REQUIRED = {
    "GraphError": ("error",),
    "GraphErrorBody": ("message", "type", "code", "fbtrace_id"),
    "Paging": ("cursors",),
    "PagingCursors": ("before", "after"),
    "OAuthToken": ("access_token", "token_type", "expires_in"),
    "ThreadsShortToken": ("access_token", "user_id"),
    "DebugToken": ("data",),
    "DebugTokenData": ("is_valid", "scopes"),
    "Success": ("success",),
    "Created": ("id",),
    "PhotoCreated": ("id",),
    "SendApiResult": ("recipient_id", "message_id"),
    "IGContainer": ("id",),
    "ThreadsContainer": ("id",),
    "ThreadsCreated": ("id",),
    "ThreadsDeleted": ("success", "deleted_id"),
    "PageWebhook": ("object", "entry"),
    "PageWebhookEntry": ("id", "time", "changes"),
    "PageWebhookChange": ("field", "value"),
    "PageFeedValue": ("item", "verb", "post_id"),
    "InstagramWebhook": ("object", "entry"),
    "InstagramWebhookEntry": ("id", "time", "changes"),
    "InstagramWebhookChange": ("field", "value"),
    "ThreadsWebhook": ("app_id", "target_id", "time", "values"),
    "ThreadsWebhookValues": ("value", "field"),
    "ThreadsWebhookMedia": ("id",),
}


def _edge(item_type: str, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: {type(value).__name__} where an edge of {item_type} is declared"]
    problems = []
    if "data" not in value:
        problems.append(f"{path}: an edge lacks 'data'")
    for key, item in value.items():
        if key == "data":
            problems += _check(f"list<{item_type}>", item, f"{path}.data")
        elif key == "paging":
            problems += _check("Paging", item, f"{path}.paging")
        elif key == "summary":
            problems += _check("EdgeSummary", item, f"{path}.summary")
        else:
            problems.append(f"{path}: an edge has no {key!r}")
    return problems
