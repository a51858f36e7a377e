"""The API's media operations (to be filled in)."""

from ninja import Router

router = Router(tags=["media"])
