"""Pages compressed, files not: Django's GZipMiddleware (with its padding against BREACH)
for the pages, which are text and 6–66 KB; a streamed response (a media file, a download
of any size) goes out as it is, its length said up front. Recompressing a 300 MB video or
an already compressed image costs a web worker's CPU for nothing, and the networks that
fetch media (Instagram, Threads) expect the file's own bytes and length."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PageCompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming:
            return response
        return super().process_response(request, response)
