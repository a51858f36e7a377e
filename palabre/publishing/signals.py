"""Signals other apps listen to; publishing itself never imports them back."""

from django.dispatch import Signal

# Sent with `target` once a PostTarget is live on its network (published or confirmed).
target_published = Signal()
