"""The API's reports operations (to be filled in)."""

from ninja import Router

router = Router(tags=["reports"])
