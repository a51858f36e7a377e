"""The API's strategy operations (to be filled in)."""

from ninja import Router

router = Router(tags=["strategy"])
