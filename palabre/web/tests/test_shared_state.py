"""Several web processes, on several machines, share nothing but the database: the cache
and the sign-in throttle live in it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from palabre.accounts.models import LoginThrottle
from palabre.accounts.services import login_attempt_count


@pytest.mark.django_db
def test_the_cache_is_a_table_every_process_reads() -> None:
    cache.set("shared", {"figures": [1, 2, 3]}, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM palabre_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any(key.endswith("shared") for key in keys)
    assert cache.get("shared") == {"figures": [1, 2, 3]}


@pytest.mark.django_db
def test_sign_in_attempts_are_counted_in_the_database() -> None:
    login_attempt_count(email="someone@example.com", ip="203.0.113.9")
    assert LoginThrottle.objects.filter(key__contains="someone@example.com").exists()
