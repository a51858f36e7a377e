"""This instance's files, served on loopback for networks that fetch media from a public
URL (Instagram, Threads: `Connector.fetches_media_by_url`), as they fetch them from the
publisher's signed URLs. The `instance_files` fixture (tests/networks/meta/fixtures.py)
gives one server for the whole run."""

from __future__ import annotations

import http.server
import secrets
import socket
import threading
from typing import Any


class InstanceFiles:
    """Files this instance serves to the network, each at an unguessable path, as the
    publisher's signed URLs are; `unreachable` is an address where nothing answers."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        files = self.files

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                found = files.get(self.path)
                if found is None:
                    self.send_error(404)
                    return
                body, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, body: bytes, content_type: str) -> str:
        path = f"/media/public/{secrets.token_urlsafe(16)}"
        self.files[path] = (body, content_type)
        return self.url + path

    @property
    def unreachable(self) -> str:
        with socket.socket() as probe:  # a port just closed: nothing listens there
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"http://127.0.0.1:{port}/media/public/{secrets.token_urlsafe(16)}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
