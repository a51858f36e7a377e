"""The API's posts operations (to be filled in)."""

from ninja import Router

router = Router(tags=["posts"])
