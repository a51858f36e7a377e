"""The atproto SDK's exceptions, translated into Palabre's four."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from atproto_client import exceptions as sdk
from atproto_client.models.common import XrpcError

from palabre.networks.base import AuthExpired, RateLimited, Rejected, Unavailable

T = TypeVar("T")
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown"}


def _reason(error: sdk.RequestErrorBase) -> str:
    content = getattr(error.response, "content", None)
    message = getattr(content, "message", None) or getattr(content, "error", None)
    return str(message or error)[:500]


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except sdk.RateLimitExceededError as error:
        raise RateLimited(_reason(error), retry_after=error.retry_after) from None
    except sdk.UnauthorizedError as error:
        raise AuthExpired(_reason(error)) from None
    except sdk.BadRequestError as error:
        if getattr(getattr(error.response, "content", None), "error", None) in AUTH_ERRORS:
            raise AuthExpired(_reason(error)) from None
        raise Rejected(_reason(error)) from None
    except sdk.LoginRequiredError as error:
        raise AuthExpired(str(error)) from None
    except (sdk.NetworkError, sdk.RequestException) as error:
        status = getattr(error.response, "status_code", 0) or 0
        if 400 <= status < 500 and status not in (408, 409, 429):
            raise Rejected(_reason(error)) from None
        raise Unavailable(_reason(error) or "network unreachable") from None


def is_refusal(error: BaseException) -> bool:
    """The service itself answered no (an XRPC error in JSON, 400, 401 or 403): wrong
    credentials, not an address that leads nowhere."""
    response = getattr(error, "response", None) if isinstance(error, sdk.RequestErrorBase) else None
    if response is None or response.status_code not in (400, 401, 403):
        return False
    return isinstance(response.content, XrpcError) and bool(response.content.error)


def call(fn: Callable[[], T]) -> T:
    with translated():
        return fn()
