"""The `fields=` parameter of the Graph API: which fields of a node to return, with nested
selections and modifiers, e.g. `id,message,comments.limit(5).summary(true){from{name},message}`.

https://developers.facebook.com/docs/graph-api/guides/field-expansion
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FieldsSyntaxError(ValueError):
    pass


@dataclass
class FieldRequest:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)  # limit(5) → {"limit": "5"}
    sub: list[FieldRequest] | None = None  # None: the node's default fields


def parse(text: str) -> list[FieldRequest]:
    parser = _Parser(text)
    found = parser.fields()
    if parser.pos != len(text):
        raise FieldsSyntaxError(f'Syntax error "Expected end of string" at character {parser.pos}')
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def fields(self) -> list[FieldRequest]:
        out = [self.one()]
        while self.peek() == ",":
            self.pos += 1
            if self.peek() in ("", "}"):  # a trailing comma, as Graph tolerates
                break
            out.append(self.one())
        return out

    def name(self) -> str:
        start = self.pos
        while self.peek() and (self.peek().isalnum() or self.peek() in "_"):
            self.pos += 1
        if start == self.pos:
            raise FieldsSyntaxError(f'Syntax error "Expected name." at character {self.pos}')
        return self.text[start : self.pos]

    def one(self) -> FieldRequest:
        while self.peek() == " ":
            self.pos += 1
        request = FieldRequest(self.name())
        while self.peek() == ".":
            self.pos += 1
            key = self.name()
            if self.peek() != "(":
                raise FieldsSyntaxError(f'Syntax error "Expected (." at character {self.pos}')
            end = self.text.find(")", self.pos)
            if end < 0:
                raise FieldsSyntaxError(f'Syntax error "Expected )." at character {self.pos}')
            request.modifiers[key] = self.text[self.pos + 1 : end]
            self.pos = end + 1
        if self.peek() == "{":
            self.pos += 1
            request.sub = self.fields()
            if self.peek() != "}":
                raise FieldsSyntaxError(f'Syntax error "Expected }}." at character {self.pos}')
            self.pos += 1
        return request
