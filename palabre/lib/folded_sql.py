"""`fold` (palabre.lib.folding) as a database expression, so that a search finds "crème"
when "creme" is typed, on both databases: SQLite gets `fold` itself as a function
(`teach_sqlite`, on every new connection); PostgreSQL spells it with `translate`, `lower`
and `replace`, built-ins that need no extension.

The fold is costly on every row (PostgreSQL's translate compares each letter with its
list: 12 s for a word over 100,000 comments, where LIKE takes 0.07 s). `word_found` puts a
LIKE in front of it that only lets through the rows that could match (each letter an
accent may sit on, any one letter), and keeps the plain case-blind match beside it (a
word typed as stored is found however the database's collation lowers letters)."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Func, Lookup, Q, TextField

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


@CharField.register_lookup
@TextField.register_lookup
class Loosely(Lookup):
    """`field__loosely=pattern`: a LIKE pattern as given (its _ and % are wildcards), case
    aside for ASCII letters (SQLite's LIKE; PostgreSQL's ILIKE)."""

    lookup_name = "loosely"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {like} {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


# The letters an accent commonly sits on (French, and the languages around it): in the
# prefilter, each may be any one letter ("creme" lets "crème" through, and "crime", which
# the fold then tells apart). œ and æ are one letter for two typed.
_ACCENTED = frozenset("aceinouy'")


def loose_pattern(folded_word: str) -> str:
    """The LIKE pattern that lets through every text whose fold could hold `folded_word`."""
    escaped = folded_word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    escaped = escaped.replace("oe", "%").replace("ae", "%")
    return "%" + "".join("_" if char in _ACCENTED else char for char in escaped) + "%"


def word_found(field: str, word: str) -> Q:
    """`word` anywhere in `field`, accents and case aside: typed as stored (case aside), or
    folded on both sides. The rows the fold reads are those the loose LIKE let through;
    annotate `folded_<field>` first (`folded(field)`)."""
    folded_word = fold(word)
    loose = Q(**{f"{field}__loosely": loose_pattern(folded_word)})
    exact = Q(**{f"{_alias(field)}__contains": folded_word})
    return Q(**{f"{field}__icontains": word}) | (loose & exact)


def folded(*fields: str) -> dict[str, Folded]:
    """The aliases word_found reads: `rows.alias(**folded("text", "identity__handle"))`."""
    return {_alias(field): Folded(field) for field in fields}


def _alias(field: str) -> str:
    return "folded_" + field.replace("__", "_")
