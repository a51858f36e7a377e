"""Strict checks against X's official Python SDK, `xdk` (pinned in pyproject), whose pydantic
models are generated from X's OpenAPI specification.

xdk's models accept unknown fields (`extra="allow"`) and coerce types. Here a value is what a
model says only when pydantic's strict mode accepts it (no "1" for 1, no 1 for "1") and no
model anywhere in it kept an unknown field (`model_extra` empty at every level): a renamed
field, or one of the wrong type, is a problem.

- `body_problems(model, value)`: a JSON body (request or answer) against an xdk model, or a
  shape declared in declared.py where xdk describes none (errors, OAuth);
- `param_problems(method, params)`: a request's query parameters against the xdk method
  that sends them (`PostsClient.search_recent`): every parameter is one of the method's,
  on the wire as xdk writes it (`post_fields` → `post.fields`), of its type, each item of a
  field list one of its literals.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Literal, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel


def body_problems(model: type[BaseModel], value: Any) -> list[str]:
    try:
        parsed = model.model_validate(value, strict=True)
    except pydantic.ValidationError as error:
        return [
            f"$.{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        ]
    return list(_extras(parsed, "$"))


def _extras(value: Any, path: str) -> typing.Iterator[str]:
    if isinstance(value, BaseModel):
        for name in value.model_extra or {}:
            yield f"{path}.{name}: not a field of {type(value).__name__}"
        for name in type(value).model_fields:
            yield from _extras(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _extras(item, f"{path}[{index}]")
    elif isinstance(value, pydantic.RootModel):
        yield from _extras(value.root, path)


def wire_name(python_name: str) -> str:
    """xdk's query parameter on the wire: `post_fields` → `post.fields`."""
    if python_name.endswith("_fields"):
        return python_name[: -len("_fields")] + ".fields"
    return python_name


def parameters(method: Any) -> dict[str, Any]:
    """{wire name: type} of an xdk client method's query parameters (not the path's id, not
    the JSON body)."""
    import sys

    module = sys.modules[method.__module__]
    namespace = {**vars(typing), **vars(module)}
    hints = typing.get_type_hints(method, globalns=namespace)
    found = {}
    for name in inspect.signature(method).parameters:
        if name in ("self", "body") or name not in hints:
            continue
        found[wire_name(name)] = hints[name]
    return found


def param_problems(
    method: Any, params: dict[str, str], *, path_params: tuple[str, ...] = ()
) -> list[str]:
    known = parameters(method)
    problems = []
    for name, raw in params.items():
        if name in path_params:
            continue
        if name not in known:
            problems.append(f"{name}: not a parameter of {method.__qualname__}")
            continue
        problem = _value_problem(known[name], raw)
        if problem:
            problems.append(f"{name}={raw!r}: {problem}")
    return problems


def _value_problem(kind: Any, raw: str) -> str:
    origin = get_origin(kind)
    if origin is Union:
        options = [a for a in get_args(kind) if a is not type(None)]
        return _value_problem(options[0], raw) if len(options) == 1 else ""
    if origin in (list, typing.List):  # noqa: UP006
        (item,) = get_args(kind)
        for part in raw.split(","):
            problem = _value_problem(item, part)
            if problem:
                return problem
        return ""
    if origin is Literal:
        return "" if raw in get_args(kind) else f"not one of {get_args(kind)}"
    if kind is int:
        return "" if raw.isdigit() else "not a whole number"
    if kind is bool:
        return "" if raw in ("true", "false") else "not true or false"
    return ""  # str, and xdk's aliases of it (PostId, UserId, MediaId)
