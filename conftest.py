"""The fixed cast every test can use.

alice owns workspace "lumiere"; bob, erin, carl, anna and nina hold the other roles
there; charlie owns another workspace and has no access to alice's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from palabre.accounts.models import Membership, Role, User, Workspace

# Mastodon's loopback servers (Takahē, mastodon-mock) and the Graph API double (Facebook,
# Instagram, Threads) for any test that asks for them.
pytest_plugins = [
    "tests.networks.mastodon.fixtures",
    "tests.networks.meta.fixtures",
    "tests.networks.x.fixtures",
    "tests.networks.linkedin.fixtures",
]

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# fixtures there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery"  # noqa: S105

ROLE_USERS = {
    Role.OWNER: "alice",
    Role.MANAGER: "bob",
    Role.EDITOR: "erin",
    Role.CONTRIBUTOR: "carl",
    Role.APPROVER: "anna",
    Role.ANALYST: "nina",
}


@dataclass
class Cast:
    workspace: Workspace
    other_workspace: Workspace
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def cast(db: None) -> Cast:
    workspace = Workspace.objects.create(name="Lumière", slug="lumiere")
    other = Workspace.objects.create(name="Ailleurs", slug="ailleurs")
    users: dict[str, User] = {}
    for role, name in ROLE_USERS.items():
        users[name] = User.objects.create_user(f"{name}@example.com", PASSWORD, name=name.title())
        Membership.objects.create(workspace=workspace, user=users[name], role=role)
    users["charlie"] = User.objects.create_user("charlie@example.com", PASSWORD, name="Charlie")
    Membership.objects.create(workspace=other, user=users["charlie"], role=Role.OWNER)
    return Cast(workspace=workspace, other_workspace=other, users=users)


DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "cast"}


def _touches_the_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(names & DB_FIXTURES)


def _network_group(item: pytest.Item) -> str:
    """Where a network test runs when they share two workers (scripts/test.sh: --dist
    loadgroup): the tests of a heavy server all in one worker, which alone starts it; the
    others with the rest of their file, as --dist loadfile does (a file's servers, started
    by a module fixture, start once)."""
    names = set(getattr(item, "fixturenames", ()))
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "bluesky_network" in names:
        return "bluesky"  # the local network: a PDS, an AppView, their PostgreSQL
    if {"takahe", "takahe_server"} & names or "takahe" in params.values():
        return "takahe"  # a Django server and its stator, on PostgreSQL
    path = item.nodeid.split("::", 1)[0].removesuffix(".py").split("/")
    return "/".join(path[-2:])  # "x/test_crash": xdist adds it to the test's name


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "network" in item.keywords:
            item.add_marker(pytest.mark.xdist_group(_network_group(item)))
    if connection.vendor == "postgresql":
        # `make test`'s second pass (scripts/test.sh) runs what the database changes: a test
        # that never touches it already passed on SQLite, and would only spend minutes again.
        if os.environ.get("PALABRE_DATABASE_TESTS_ONLY") == "1":
            kept = [
                item
                for item in items
                if _touches_the_database(item)
                or {"browser", "network", "postgres"} & set(item.keywords)
            ]
            config.hook.pytest_deselected(items=[i for i in items if i not in kept])
            items[:] = kept
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: make test runs it when a server answers at 127.0.0.1:5432"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The real hasher spends ~0.3 s a password on purpose; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The conformance pass counts (palabre/publishing/tests/test_conformance.py), read from the
# tests' reports: with pytest-xdist the tests run in workers, the summary here.
CONFORMANCE: dict[str, tuple[int, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in report.user_properties:
        if name == "conformance":
            label, passed, total = value
            CONFORMANCE[label] = (passed, total)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the conformance pass counts: the acceptance figure for the validators."""
    if CONFORMANCE:
        terminalreporter.section("conformance pass counts")
        for label, (passed, total) in sorted(CONFORMANCE.items()):
            terminalreporter.write_line(f"{label}: {passed}/{total} ({100 * passed // total}%)")


@pytest.fixture(scope="session")
def bluesky_network() -> Any:
    """The real local Bluesky network, started once per test run (CI=true: it must start)."""
    from tests.bluesky import localnet

    if not localnet.installed():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but @atproto/dev-env is not installed (make test runs npm ci)")
        pytest.skip("the local Bluesky network is not installed: run `npm ci` (make test does)")
    network = localnet.start()  # a network that fails to start fails the run
    # Its services are on localhost, which the outbound guard refuses unless listed: here
    # for this process, in the environment for the workers tests start.
    with pytest.MonkeyPatch.context() as patch:
        listed = [*getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []), *localnet.HOSTS]
        patch.setattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", listed)
        patch.setenv("PALABRE_OUTBOUND_ALLOWED_HOSTS", ",".join(listed))
        # Its accounts' DID documents are in its own PLC directory (bluesky/identity.py).
        patch.setattr(settings, "PALABRE_BLUESKY_PLC_URL", network.plc)
        patch.setenv("PALABRE_BLUESKY_PLC_URL", network.plc)
        yield network
    network.stop()


@pytest.fixture(autouse=True)
def _instance_language() -> Iterator[None]:
    # Each test starts in the instance's language, as a worker process does: a request
    # through the test client leaves its user's language active after it (the middleware
    # activates it), and a later test reading a worker's message would depend on the order.
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> None:
    # The home page and the reports keep pages and figures a few minutes per workspace id
    # (the "pages" cache, in memory); ids repeat from one test to the next. The shared cache
    # is a table: only a test that may use the database has one.
    from django.core.cache import caches

    caches["pages"].clear()
    if _touches_the_database(request.node):
        request.getfixturevalue("db")  # before the test's own fixtures (`cast`) ask for it
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _notices_mailed_at_once(request: pytest.FixtureRequest, monkeypatch: Any) -> None:
    # A notice's e-mail goes once its transaction commits (notices.once_committed); each
    # test runs inside one that never commits, so here it goes at once. The test of the
    # commit itself is marked `mailed_on_commit`.
    if "mailed_on_commit" in request.keywords:
        return
    from palabre.publishing import notices

    monkeypatch.setattr(notices, "once_committed", lambda send: send())


@pytest.fixture(autouse=True)
def _fresh_connectors() -> None:
    # Workers keep one connector per channel; a test's channels are new each time.
    from palabre.channels import connectors

    connectors.forget_all()


@pytest.fixture
def bluesky_channel(cast: Cast, bluesky_network: Any) -> Any:
    """A Bluesky channel of workspace \"lumiere\", connected to the local network's first account."""
    from palabre.channels.models import Channel
    from palabre.networks.bluesky import connector as bluesky

    account = bluesky_network.accounts[0]
    credentials = bluesky.connect(
        service=bluesky_network.pds, handle=account["handle"], app_password=account["appPassword"]
    )
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="bluesky",
        connector="bluesky",
        name="Lumière",
        handle=credentials["handle"],
    )
    channel.save_credentials(credentials)
    return channel


@pytest.fixture
def bluesky_peer(bluesky_network: Any) -> Any:
    """The local network's second account (Claire), through the official SDK."""
    from atproto import Client, models

    account = bluesky_network.accounts[1]
    client = Client(base_url=bluesky_network.pds)
    client.login(account["handle"], account["password"], fetch_bsky_profile=False)
    client.me = models.AppBskyActorDefs.ProfileViewDetailed(
        did=account["did"], handle=account["handle"]
    )
    return client
