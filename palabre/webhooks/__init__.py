"""Outgoing webhooks: events sent, signed, to the addresses a workspace subscribes (docs/api.md)."""
