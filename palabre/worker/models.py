"""Background work is state on the domain rows: a model that has jobs inherits these fields."""

from __future__ import annotations

from django.db import models


class JobFields(models.Model):
    # When the row is due for its next step; None: nothing to do.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # A claim is a lease: a worker that dies loses it when `claimed_until` passes.
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
