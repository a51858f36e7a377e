"""What Meta's official Python SDK (`facebook-business`, pinned in pyproject's dev extras)
declares about the Graph API, read from its source with `ast` (nothing of it is imported).

For each `facebook_business/adobjects/<name>.py`:
- the class's fields: `_field_types` ({wire name: type string});
- its API methods: HTTP method, endpoint (`/feed`, `/` for the node itself), `target_class`
  (what the answer is made of) and `param_types` + `enums` (the parameters it accepts).

The double checks requests against these at run time (sdk_params) and the fidelity test
validates every answer against them (schema.py).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

PRIMITIVES = frozenset(
    {
        "string",
        "int",
        "unsigned int",
        "bool",
        "float",
        "datetime",
        "Object",
        "object",
        "map",
        "list",
        "file",
    }
)


@dataclass(frozen=True)
class Method:
    cls: str
    name: str  # get_feed, create_comment, api_get, api_update, api_delete
    http: str  # GET, POST, DELETE
    endpoint: str  # "/" for the node, "/feed" for an edge
    target: str  # the class name of what comes back ("AbstractCrudObject": anything)
    params: dict[str, str]
    enums: dict[str, list[str]]


@dataclass
class SdkClass:
    name: str
    field_types: dict[str, str] = field(default_factory=dict)
    methods: dict[str, Method] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)  # nested enum classes

    def edge(self, http: str, endpoint: str) -> Method | None:
        for method in self.methods.values():
            if method.http == http and method.endpoint == endpoint:
                return method
        return None


def adobjects_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("facebook_business")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("facebook-business is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))) / "adobjects"


def _literal(node: ast.AST) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _enums(node: ast.AST) -> dict[str, list[str]]:
    """A method's `enums`: literal lists, or `Page.Filter.__dict__.values()`, which names
    the nested enum class (resolved by enum_values)."""
    out: dict[str, list[str]] = {}
    if not isinstance(node, ast.Dict):
        return out
    for key, value in zip(node.keys, node.values, strict=True):
        name = _literal(key) if key is not None else None
        if not isinstance(name, str):
            continue
        literal = _literal(value)
        if isinstance(literal, list):
            out[name] = [str(v) for v in literal]
        else:
            out[name] = [f"@{ast.unparse(value).removesuffix('.__dict__.values()')}"]
    return out


def _method(cls: str, function: ast.FunctionDef) -> Method | None:
    params: dict[str, str] = {}
    enums: dict[str, list[str]] = {}
    request: ast.Call | None = None
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == "param_types":
                params = _literal(node.value) or {}  # type: ignore[assignment]
            elif isinstance(target, ast.Name) and target.id == "enums":
                enums = _enums(node.value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "FacebookRequest"
        ):
            request = node
    if request is None:
        return None
    http = _literal(_keyword(request, "method") or ast.Constant(None))
    endpoint = _literal(_keyword(request, "endpoint") or ast.Constant(None))
    target_node = _keyword(request, "target_class")
    target = target_node.id if isinstance(target_node, ast.Name) else "AbstractCrudObject"
    if not isinstance(http, str) or not isinstance(endpoint, str):
        return None
    return Method(cls, function.name, http, endpoint, target, dict(params), enums)


def _parse(source: str) -> ast.Module:
    # A few enum classes name a value after a Python keyword (`or = 'or'`): those lines are
    # blanked, one by one, until the module parses.
    lines = source.splitlines()
    for _ in range(50):
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError as error:
            if not error.lineno:
                raise
            lines[error.lineno - 1] = ""
    raise SyntaxError("too many unreadable lines")


def _read(path: Path) -> SdkClass | None:
    tree = _parse(path.read_text())
    top = next((n for n in tree.body if isinstance(n, ast.ClassDef)), None)
    if top is None:
        return None
    found = SdkClass(top.name)
    for node in top.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_field_types" for t in node.targets
        ):
            value = _literal(node.value)
            found.field_types = dict(value) if isinstance(value, dict) else {}
        elif isinstance(node, ast.ClassDef) and node.name != "Field":
            values = [
                v
                for item in node.body
                if isinstance(item, ast.Assign)
                for v in [_literal(item.value)]
                if isinstance(v, str)
            ]
            found.enums[f"{top.name}.{node.name}"] = values
        elif isinstance(node, ast.FunctionDef):
            method = _method(top.name, node)
            if method is not None:
                found.methods[method.name] = method
    return found


@functools.cache
def find(name: str) -> SdkClass | None:
    """One class by name, read from its own module (adobjects/<name in lower case>.py)."""
    path = adobjects_dir() / f"{name.lower()}.py"
    if not name.isidentifier() or not path.exists():
        return None
    found = _read(path)
    return found if found is not None and found.name == name else None


def enum_values(method: Method, name: str) -> list[str] | None:
    """The values an enum parameter type of `method` allows, or None if it is no enum."""
    values = method.enums.get(name)
    if values and len(values) == 1 and values[0].startswith("@"):
        cls, _, nested = values[0][1:].partition(".")
        owner = find(cls)
        return owner.enums.get(f"{cls}.{nested}", []) if owner else []
    return values


def method(ref: str) -> Method:
    """`"Page.get_feed"` → that method's declaration (KeyError when the SDK has none)."""
    cls, name = ref.split(".", 1)
    owner = find(cls)
    if owner is None:
        raise KeyError(ref)
    return owner.methods[name]
