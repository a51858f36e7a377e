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


@pytest.mark.parametrize(
    "value", ["\u200b", "\u2063", "\u3164", "\u200f\u200f", "\u00a0\u200b", "\u2800", "\u0301"]
)
def test_a_name_that_draws_nothing_is_refused(value: str) -> None:
    """A zero-width space or a Hangul filler made a person or a workspace blank wherever
    they were named (an attack on the name forms)."""
    with pytest.raises(ValidationError, match="visible"):
        validate_one_line(value)
    validate_one_line(f"Zoé{value}")  # beside a letter, it is the person's own business


def test_the_upgrade_puts_old_names_on_one_line(db) -> None:
    Workspace.objects.create(name="Lumière\r\n  Bcc: x@example.com", slug="lumiere")
    Workspace.objects.create(name="\n", slug="vide")
    migration = importlib.import_module("palabre.accounts.migrations.0008_workspace_name_one_line")
    migration.names_on_one_line(apps, None)
    names = dict(Workspace.objects.values_list("slug", "name"))
    assert names == {"lumiere": "Lumière Bcc: x@example.com", "vide": "Workspace"}
