"""The `palabre` command: Django's manage.py with Palabre's settings, and a help page that
lists Palabre's own commands first, one line each, before Django's."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

HELP_ARGUMENTS: tuple[set[str], ...] = ({"help"}, {"--help"}, {"-h"}, set())


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    if set(sys.argv[1:]) in HELP_ARGUMENTS:
        try:
            sys.stdout.write(help_text())
            return
        except (ImportError, ImproperlyConfigured):
            pass  # broken settings: Django's own help says so without a traceback
    from django.core.management import execute_from_command_line

    # "palabre worker --help" says "usage: palabre worker", also under `python -m palabre`
    execute_from_command_line(["palabre", *sys.argv[1:]])


def help_text() -> str:
    """Palabre's commands with the first line of their help, then Django's by name."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    ours, theirs = [], []
    for name, app in sorted(get_commands().items()):
        if app.startswith("palabre."):
            summary = load_command_class(app, name).help.strip().split("\n")[0]
            ours.append(f"  {name:<22}{_first_sentence(summary)}")
        else:
            theirs.append(name)
    return "\n".join(
        [
            "Usage: palabre <command> [options]   (palabre <command> --help for its options)",
            "",
            "Palabre's commands:",
            *ours,
            "",
            "Django's commands:",
            *_wrapped(theirs, indent="  ", width=88),
            "",
        ]
    )


def _first_sentence(text: str) -> str:
    head, dot, _rest = text.partition(". ")
    return head + ("." if dot else "")


def _wrapped(words: list[str], *, indent: str, width: int) -> list[str]:
    lines, line = [], indent
    for word in words:
        if len(line) + len(word) + 2 > width and line.strip():
            lines.append(line.rstrip(", "))
            line = indent
        line += word + ", "
    if line.strip():
        lines.append(line.rstrip(", "))
    return lines
