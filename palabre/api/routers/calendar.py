"""The API's calendar operations (to be filled in)."""

from ninja import Router

router = Router(tags=["calendar"])
