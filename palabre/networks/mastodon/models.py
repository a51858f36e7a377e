from __future__ import annotations

from django.db import models
from django.utils import timezone

from palabre.lib import crypto


class MastodonApp(models.Model):
    """Palabre's registration on one instance (POST /api/v1/apps), reused for every account there."""

    instance = models.URLField(max_length=200)
    redirect_uri = models.URLField(max_length=300)
    client_id = models.CharField(max_length=200)
    client_secret_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "redirect_uri"], name="one_app_per_instance"
            )
        ]

    def __str__(self) -> str:
        return self.instance

    @property
    def client_secret(self) -> str:
        return crypto.decrypt(self.client_secret_encrypted)
