"""The command line speaks the language of `--lang`, else the terminal's; `palabre --help`
reads the compiled catalogue with Python's gettext, without starting Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from palabre import cli
from palabre.lib import cli_language

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", cli_language.CHOSEN)


def _palabre(*args: str, stdin: str = "", **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-m", "palabre", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env | environment,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),  # no language: the one Palabre is written in
        ({"LANG": "de_DE.UTF-8"}, "en"),  # a language Palabre does not speak
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),  # as gettext reads them
        ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"),
        ({}, "en"),
    ],
)
def test_the_terminal_says_which_language(monkeypatch, environment, language) -> None:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert cli_language.cli_language() == language


def test_the_option_wins_over_the_terminal(monkeypatch) -> None:
    assert cli_language.language_option_take(["--lang", "fr", "check-post", "--batch"]) == (
        "fr",
        ["check-post", "--batch"],
    )
    assert cli_language.language_option_take(["worker", "--lang=en"]) == ("en", ["worker"])
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv(cli_language.CHOSEN, "fr")
    assert cli_language.cli_language() == "fr"


def test_a_commands_messages_follow_the_terminal() -> None:
    # The catalogue already holds these: the check's message in French, then in English.
    empty = '"message": "Écrivez quelque chose : le texte est vide."'
    assert empty in _palabre("check-post", "--network", "x", LANG="fr_FR.UTF-8").stdout
    english = _palabre("check-post", "--network", "x", "--lang", "en", LANG="fr_FR.UTF-8")
    assert '"message": "Write something: the text is empty."' in english.stdout


def test_an_unknown_language_is_refused() -> None:
    done = _palabre("--lang", "tlh", "--help")
    assert done.returncode == 2
    assert "--lang" in done.stderr and "en, fr" in done.stderr


def test_the_help_starts_no_django() -> None:
    code = (
        "import sys; sys.argv = ['palabre', '--help']; from palabre import cli; cli.main(); "
        "from django.apps import apps; "
        "print('READY' if apps.ready or 'palabre.inbox.models' in sys.modules else 'NOT SET UP')"
    )
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.stdout.rstrip().endswith("NOT SET UP"), done.stdout + done.stderr
    assert "Palabre's commands:" in done.stdout


def test_the_help_is_translated_from_a_compiled_catalogue(monkeypatch, tmp_path: Path) -> None:
    """Python's gettext reads the .mo: here a small one, so that this holds before the French
    strings of the help reach palabre/locale."""
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    for msgid, msgstr in [
        (cli.OURS, "Commandes de Palabre :"),
        (
            "Run background jobs (publishing, inbox polling, metrics). Run as many as you like.",
            "Exécute les tâches de fond (publication, relève de la boîte de réception, "
            "statistiques). Lancez-en autant que vous voulez.",
        ),
    ]:
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    catalogue.save_as_mofile(str(tmp_path / "fr" / "LC_MESSAGES" / "django.mo"))
    monkeypatch.setattr(cli_language, "LOCALE_DIR", tmp_path)
    text = cli.help_text("fr")
    assert "Commandes de Palabre :" in text
    assert "  worker                Exécute les tâches de fond (publication" in text
    assert "Django's commands:" in text  # not in that catalogue: as written


# Need the catalogue merge of /work/round6/i18n_fr_sweep.py (the help's French strings).


def test_help_with_the_lang_option_is_in_french() -> None:
    done = _palabre("--help", "--lang", "fr")
    assert done.returncode == 0, done.stderr
    assert "Commandes de Palabre :" in done.stdout
    assert "Exécute les tâches de fond" in done.stdout
    assert "Palabre's commands:" not in done.stdout


def test_help_in_a_french_terminal_is_in_french() -> None:
    done = _palabre("--help", LANG="fr_FR.UTF-8")
    assert "Commandes de Palabre :" in done.stdout


def test_a_commands_own_help_is_in_french() -> None:
    done = _palabre("worker", "--help", "--lang", "fr")
    assert done.stdout.startswith("usage: palabre worker")
    said = " ".join(done.stdout.split())  # argparse wraps its lines
    assert "Exécute les tâches de fond" in said
    assert "S’arrêter dès qu’aucune étape ne trouve de travail à faire." in said


def test_a_list_of_languages_takes_the_first_palabre_speaks(monkeypatch) -> None:
    from palabre.lib.cli_language import terminal_language

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "de:fr")
    assert terminal_language() == "fr"
    monkeypatch.setenv("LANGUAGE", "de_DE:it")
    assert terminal_language() == "en"
