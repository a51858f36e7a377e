"""An event loop of its own thread, for the tests that run one: a browser test run before
in the same process leaves Playwright's loop running in the main thread, and anyio then
refuses to start another there ("Already running asyncio in this thread")."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

T = TypeVar("T")


def own_loop(func: Callable[[], Awaitable[T]]) -> T:
    """`anyio.run(func)` in a thread of its own; what it raises is raised here."""
    done: list[T] = []
    failed: list[BaseException] = []

    def in_its_own_thread() -> None:
        try:
            done.append(anyio.run(func))
        except BaseException as error:
            failed.append(error)

    thread = threading.Thread(target=in_its_own_thread)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return done[0]
