"""A tiny stand-in for X's token endpoint (POST /2/oauth2/token) and /2/users/me, with X's
documented behaviour: codes and refresh tokens work once, each refresh returns a new pair,
confidential clients authenticate with Basic. Used until the X double (tests/networks/x/)
serves the same endpoints; each request is recorded for the tests to count."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

CLIENT_ID, CLIENT_SECRET = "x-client", "x-secret"


@dataclass
class TokenState:
    delay: float = 0.0  # seconds each refresh takes: lets two workers overlap
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (challenge, uri)
    refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return {
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": access,
            "refresh_token": refresh,
            "scope": "tweet.read users.read offline.access",
        }

    def refreshes(self) -> int:
        return sum(1 for r in self.requests if r.get("grant_type") == "refresh_token")


def _handler(state: TokenState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if self.path != "/2/users/me" or token not in state.access_tokens:
                return self._send(401, {"title": "Unauthorized", "status": 401})
            self._send(
                200, {"data": {"id": "2244994945", "name": "Lumière", "username": "lumiere"}}
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            with state.lock:
                state.requests.append(form | {"authorization": self.headers.get("Authorization")})
            if self.path != "/2/oauth2/token":
                return self._send(404, {"title": "Not Found"})
            if self.headers.get("Authorization") != f"Basic {basic}":
                return self._send(401, {"error": "unauthorized_client"})
            if form.get("grant_type") == "refresh_token":
                time.sleep(state.delay)
                with state.lock:
                    if form.get("refresh_token") not in state.refresh_tokens:
                        return self._send(
                            400,
                            {
                                "error": "invalid_request",
                                "error_description": "Value passed for the token was invalid.",
                            },
                        )
                    state.refresh_tokens.discard(form["refresh_token"])
                    return self._send(200, state.grant())
            with state.lock:
                found = state.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if found is None or found != (challenge, form.get("redirect_uri")):
                return self._send(400, {"error": "invalid_request"})
            with state.lock:
                self._send(200, state.grant())

    return Handler


class TokenServer:
    def __init__(self) -> None:
        self.state = TokenState()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
