"""Types every router shares: text that a database can keep, and small nested objects."""

from __future__ import annotations

from typing import Annotated, Any

from django import forms
from ninja import Schema
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from palabre.api.errors import ApiError, invalid
from palabre.lib.wordsearch import MAX_LENGTH, MAX_WORDS, words_beyond


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text: refused here, as the pages' forms refuse it.
    if "\x00" in value:
        raise ValueError("null character")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
ShortText = Annotated[str, AfterValidator(_no_nul), Field(max_length=500)]


def _few_words(value: str) -> str:
    # The pages search the first words and say which were left; an API refuses, rather
    # than answer for a search it did not make.
    if words_beyond(value):
        raise PydanticCustomError("too_many_words", "at most {count} words", {"count": MAX_WORDS})
    return value


# A list's search: its words, each found (palabre.lib.wordsearch), as the pages take them.
SearchText = Annotated[
    str, AfterValidator(_no_nul), AfterValidator(_few_words), Field(max_length=MAX_LENGTH)
]


class Problem(Schema):
    """application/problem+json (RFC 9457): `code` is stable, `detail` is for a person."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] | None = None


class Out(BaseModel):
    """An answer's shape, built field by field by the operation: plain pydantic, without
    ninja's `Schema` attribute resolution, which costs as much again on a page of 50."""


class Ref(Out):
    id: int
    name: str


class Page(Out):
    next_cursor: str | None = Field(
        description="Send it back as `cursor` for the next page; null on the last page."
    )


# The refusals every operation may answer with, for the OpenAPI document.
REFUSALS: dict[int, type[Problem]] = {
    400: Problem,  # a body that is not JSON, or nested too deep
    401: Problem,
    403: Problem,
    404: Problem,
    422: Problem,
    429: Problem,
}
# What an operation may also answer when the service refuses in this state.
CONFLICTS: dict[int, type[Problem]] = {**REFUSALS, 409: Problem}


def form_valid(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or a 422 listing each field's message (the pages' own)."""
    if form.is_valid():
        return form.cleaned_data
    raise invalid(
        [
            {"field": field if field != "__all__" else "", "message": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
    )


def refused(status: int, code: str, exc: Exception) -> ApiError:
    """A service's refusal (its message is already in the person's language)."""
    return ApiError(status, code, str(exc))
