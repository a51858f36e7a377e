"""The cache's table: Palabre caches in its database, so that every web process and every
machine share one cache with nothing more to run (settings.CACHES)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    # createcachetable does nothing when the table exists, and reads the table's name from
    # settings.CACHES; it uses the migration's database.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS palabre_cache")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
