"""The `palabre` command: Django's manage.py with Palabre's settings, in the language of
`--lang` or of the terminal (palabre/lib/cli_language.py), and a help page that lists
Palabre's own commands first, one line each, before Django's.

`palabre --help` does not start Django: it finds the commands' files, reads their help
from them, and translates it with Python's gettext from the compiled catalogue. It answers
at once, and says which settings are broken rather than failing with them.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from pathlib import Path
from typing import NoReturn

from palabre.lib.cli_language import (
    CHOSEN,
    OPTION,
    catalogue,
    cli_language,
    language_of,
    language_option_take,
    languages,
)

HELP_ARGUMENTS: tuple[set[str], ...] = ({"help"}, {"--help"}, {"-h"}, set())
PACKAGE = Path(__file__).resolve().parent
# Commands that need neither the database nor the apps: they start without loading every
# model and view (a check in a pre-commit hook or a script should answer at once).
STANDALONE = {
    "check-post": "palabre.publishing.management.commands.check-post",
    "classify": "palabre.inbox.management.commands.classify",
}


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages. Django's own reads the settings, which the help
    does without: Python's gettext translates these (help_text)."""
    return message


USAGE = gettext_noop(
    "Usage: palabre <command> [options] [--lang %(languages)s]   (palabre <command> --help "
    "for its options)"
)
OURS = gettext_noop("Palabre's commands:")
THEIRS = gettext_noop("Django's commands:")
CORE_ONLY = gettext_noop(
    "Only Django's core commands are listed: the settings could not be read (%(error)s)."
)
UNKNOWN_LANGUAGE = gettext_noop("palabre: %(option)s takes one of %(languages)s.")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    chosen, arguments = language_option_take(sys.argv[1:])
    if chosen is not None:
        language = language_of(chosen)
        if language is None:
            _refuse_language()
        os.environ[CHOSEN] = language  # the command, and the processes it starts
    if set(arguments) in HELP_ARGUMENTS:
        sys.stdout.write(help_text(cli_language()))
        return
    if arguments[0] == "mcp":  # a client of a (remote) Palabre's API: no Django at all
        from palabre.mcp.command import main as mcp_main

        mcp_main(arguments[1:])
        return
    if arguments[0] in STANDALONE:
        run_standalone(arguments)
        return
    from django.core.management import execute_from_command_line

    # "palabre worker --help" says "usage: palabre worker", also under `python -m palabre`
    execute_from_command_line(["palabre", *arguments])


def run_standalone(arguments: list[str]) -> None:
    """Run a STANDALONE command with Palabre's settings but no app: translations and
    formats work, nothing imports the models, the views or the database driver."""
    import importlib

    from django.apps import apps
    from django.conf import settings

    palabre = importlib.import_module("palabre.settings")
    values = {name: getattr(palabre, name) for name in dir(palabre) if name.isupper()}
    settings.configure(**(values | {"INSTALLED_APPS": []}))
    # django.setup() less its script prefix and its logging: the one imports django.urls,
    # the other builds the admins' mail handler, which imports the views and the template
    # engine (60 ms of a command that must start in under half a second). No standalone
    # command reverses a URL or mails the admins; warnings go to stderr, as Python does.
    apps.populate(settings.INSTALLED_APPS)
    command = importlib.import_module(STANDALONE[arguments[0]]).Command()
    command.run_from_argv(["palabre", *arguments])


def _refuse_language() -> NoReturn:
    said = catalogue(cli_language()).gettext(UNKNOWN_LANGUAGE)
    sys.stderr.write(said % {"option": OPTION, "languages": ", ".join(languages())} + "\n")
    sys.exit(2)


def help_text(language: str) -> str:
    """Palabre's commands with the first sentence of their help, then Django's by name."""
    words = catalogue(language)
    ours = [
        f"  {name:<22}{_summary(words.gettext(msgid) if msgid else '')}"
        for name, msgid in sorted(palabre_commands().items())
    ]
    theirs, error = django_commands()
    if error:
        sys.stderr.write(words.gettext(CORE_ONLY) % {"error": error} + "\n")
    return "\n".join(
        [
            words.gettext(USAGE) % {"languages": "|".join(languages())},
            "",
            words.gettext(OURS),
            *ours,
            "",
            words.gettext(THEIRS),
            *_wrapped(sorted(theirs), indent="  ", width=88),
            "",
        ]
    )


def palabre_commands() -> dict[str, str]:
    """Each Palabre command by name, with its help as written in its file (a msgid)."""
    return {
        path.stem: _help_in(path)
        for path in PACKAGE.glob("**/management/commands/*.py")
        if not path.name.startswith("_")
    }


def _help_in(path: Path) -> str:
    """The `help` of the file's Command class, read without importing it (its imports need
    Django set up): a string, or the string a gettext_noop call marks."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ClassDef) and node.name == "Command"):
            continue
        for statement in node.body:
            if isinstance(statement, ast.Assign) and _assigns_help(statement):
                return _string_in(statement.value)
    return ""


def _assigns_help(statement: ast.Assign) -> bool:
    return any(isinstance(t, ast.Name) and t.id == "help" for t in statement.targets)


def _string_in(value: ast.expr) -> str:
    if isinstance(value, ast.Call) and value.args:
        value = value.args[0]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return ""


def django_commands() -> tuple[list[str], str]:
    """The other commands: Django's core ones, and those of the installed apps that are not
    Palabre's, read from the settings without setting Django up. With broken settings, the
    core ones and why."""
    names = _commands_in("django.core")
    try:
        from django.conf import settings

        apps = list(settings.INSTALLED_APPS)
    except Exception as error:  # whatever broken settings raise, the help is shown
        return names, str(error)
    for app in apps:
        if not app.startswith("palabre."):
            names += _commands_in(app)
    return sorted(set(names)), ""


def _commands_in(package: str) -> list[str]:
    try:
        spec = importlib.util.find_spec(f"{package}.management")
    except ImportError:  # an AppConfig's dotted path, not a package
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    found = []
    for location in spec.submodule_search_locations:
        commands = Path(location) / "commands"
        found += [p.stem for p in commands.glob("*.py") if not p.name.startswith("_")]
    return found


def _summary(help: str) -> str:
    """The first sentence of the help's first line."""
    head, dot, _rest = help.strip().split("\n")[0].partition(". ")
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
