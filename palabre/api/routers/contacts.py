"""The API's contacts operations (to be filled in)."""

from ninja import Router

router = Router(tags=["contacts"])
