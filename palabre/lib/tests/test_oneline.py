from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from palabre.accounts.models import Workspace
from palabre.lib.oneline import has_control_characters, one_line, validate_one_line


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x85b", "a\u2028b"])
def test_control_characters_are_found_and_made_one_space(value: str) -> None:
    assert has_control_characters(value)
    assert one_line(value) == "a b"
    with pytest.raises(ValidationError):
        validate_one_line(value)


def test_ordinary_names_pass_unchanged() -> None:
    for name in ["Lumière", "Café « Le Zinc »", "مخبز", "Pain 🥖"]:
        assert not has_control_characters(name)
        assert one_line(name) == name
        validate_one_line(name)


def test_the_upgrade_puts_old_names_on_one_line(db) -> None:
    Workspace.objects.create(name="Lumière\r\n  Bcc: x@example.com", slug="lumiere")
    Workspace.objects.create(name="\n", slug="vide")
    migration = importlib.import_module("palabre.accounts.migrations.0008_workspace_name_one_line")
    migration.names_on_one_line(apps, None)
    names = dict(Workspace.objects.values_list("slug", "name"))
    assert names == {"lumiere": "Lumière Bcc: x@example.com", "vide": "Workspace"}
