"""The command line's language, known before Django starts.

`palabre --lang fr …` chooses it. Without the option, the terminal's does, read as gettext
reads it: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set ("fr_FR.UTF-8" is
French). A language Palabre is not translated into, or none ("C"), is English, the language
Palabre is written in. `palabre` passes the choice on in the environment, so that the
processes a command starts (`palabre start`: the worker) speak it too.

Only what a command says is in this language: what it stores (the demo, the worker's
notices and logs) is in the instance's, as the web pages expect.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

OPTION = "--lang"
CHOSEN = "PALABRE_CLI_LANGUAGE"
SOURCE = "en"  # the msgids' language: no catalogue needed
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_TERMINAL = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def languages() -> list[str]:
    """English, and each language with a compiled catalogue."""
    compiled = {p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/django.mo")}
    return sorted({SOURCE, *compiled})


def language_option_take(arguments: list[str]) -> tuple[str | None, list[str]]:
    """The language of `--lang X` or `--lang=X`, wherever it stands (None without it), and
    the other arguments: Django's own commands do not know the option."""
    chosen, rest = None, []
    remaining = iter(arguments)
    for argument in remaining:
        if argument == OPTION:
            chosen = next(remaining, "")
        elif argument.startswith(f"{OPTION}="):
            chosen = argument.partition("=")[2]
        else:
            rest.append(argument)
    return chosen, rest


def language_of(locale: str) -> str | None:
    """ "fr_FR.UTF-8" → "fr"; None when Palabre does not speak it ("C", "de_DE")."""
    code = locale.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
    return code if code in languages() else None


def cli_language() -> str:
    """The language `palabre --lang` chose, else the terminal's."""
    return os.environ.get(CHOSEN) or terminal_language()


def terminal_language() -> str:
    """The first variable set decides, as in gettext; LANGUAGE may list several languages
    ("de:fr"): the first Palabre speaks wins."""
    for name in _TERMINAL:
        value = os.environ.get(name, "")
        if value:
            spoken = (language_of(part) for part in value.split(":") if part)
            return next((code for code in spoken if code), SOURCE)
    return SOURCE


def catalogue(language: str) -> gettext.NullTranslations:
    """Palabre's compiled catalogue, read by Python's gettext: Django need not start."""
    return gettext.translation("django", LOCALE_DIR, languages=[language], fallback=True)
