"""`palabre mcp --url URL`: its options, then the server (imported only then: the SDK
takes a second to import, which `--help` and a refused address need not wait for)."""

from __future__ import annotations

import argparse
import os
import sys

from palabre.mcp.client import TOKEN_VARIABLE, ApiError, UnsafeUrl, api_base


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="palabre mcp",
        description=(
            "Serve Palabre's tools to an assistant (Model Context Protocol, over stdio), "
            "through the REST API of the instance at --url, with one API token. See docs/mcp.md."
        ),
    )
    parser.add_argument(
        "--url", required=True, help="the instance's address, https://… (http:// for localhost)"
    )
    parser.add_argument(
        "--token",
        help=(
            f"the API token. Prefer the {TOKEN_VARIABLE} environment variable: other users of "
            "this computer can read a command line (ps), not another process's environment."
        ),
    )
    return parser


def main(arguments: list[str]) -> None:
    parser = _parser()
    options = parser.parse_args(arguments)
    token = options.token or os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        parser.error(f"no token: set {TOKEN_VARIABLE} in the environment (or give --token)")
    try:
        base = api_base(options.url)
    except UnsafeUrl as unsafe:
        parser.error(str(unsafe))
    import anyio

    from palabre.mcp.server import serve

    try:
        anyio.run(serve, base, token)
    except ApiError as error:
        sys.stderr.write(f"palabre mcp: {error}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        pass
