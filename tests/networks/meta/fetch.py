"""The double fetching a media URL, as Meta's servers fetch `image_url`, `video_url` and
`url`: a plain GET (redirects followed), a bounded size and time. The URL is what Palabre
signs; a failure (unreachable, not 200, empty, not an image or video) is what Meta reports
as a failed download."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

TIMEOUT = 10.0
MAX_BYTES = 100 * 1024 * 1024


@dataclass
class Fetched:
    size: int = 0
    content_type: str = ""
    error: str = ""


def fetch(url: str, *, kind: str = "") -> Fetched:
    """GET `url`; `kind` ("image" or "video") checks the Content-Type when given."""
    if not url.startswith(("http://", "https://")):
        return Fetched(error="the URL is not http(s)")
    try:
        with (
            httpx.Client(timeout=TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url) as answer,
        ):
            if answer.status_code != 200:
                return Fetched(error=f"the server answered {answer.status_code}")
            size = 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    return Fetched(error="the file is too large")
            content_type = answer.headers.get("content-type", "").split(";")[0].strip()
    except httpx.HTTPError as error:
        return Fetched(error=f"the URL could not be fetched ({type(error).__name__})")
    if size == 0:
        return Fetched(error="the file is empty")
    if kind and not content_type.startswith(f"{kind}/"):
        return Fetched(
            size, content_type, error=f"the file is {content_type or 'of no type'}, not an {kind}"
        )
    return Fetched(size, content_type)
