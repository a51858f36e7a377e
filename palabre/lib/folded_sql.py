"""`fold` (palabre.lib.folding) as a database expression, so that a search finds "crème"
when "creme" is typed, on both databases: SQLite gets `fold` itself as a function
(`teach_sqlite`, on every new connection); PostgreSQL spells it with `translate`, `lower`
and `replace`, built-ins that need no extension."""

from __future__ import annotations

from typing import Any

from django.db.models import Func, TextField

from palabre.lib.folding import FOLD, fold

SQLITE_FUNCTION = "palabre_fold"


def _postgresql_translate() -> tuple[str, str]:
    """`translate(text, from, to)`'s two strings for FOLD. It maps one letter to one, so
    œ and æ become themselves in lower case here and two letters afterwards (`replace`);
    the letters it deletes come last in `from`, past the end of `to`."""
    kept = {code: to for code, to in FOLD.items() if to is not None}
    single = {code: (to if len(to) == 1 else chr(code).lower()) for code, to in kept.items()}
    deleted = [code for code, to in FOLD.items() if to is None]
    source = "".join(chr(code) for code in single) + "".join(chr(code) for code in deleted)
    return source, "".join(single.values())


class Folded(Func):
    """`fold(expression)` in SQL: `rows.alias(t=Folded("text")).filter(t__contains=fold(q))`."""

    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        source, target = _postgresql_translate()
        template = (
            "replace(replace(lower(translate(%(expressions)s::text, %%s, %%s)), 'œ', 'oe'),"
            " 'æ', 'ae')"
        )
        sql, params = self.as_sql(compiler, connection, template=template, **extra)
        return sql, (*params, source, target)


def teach_sqlite(sender: Any, connection: Any, **_: Any) -> None:
    """connection_created's receiver: SQLite learns `fold` (deterministic, so it may be
    used wherever SQLite allows a function)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION,
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )
