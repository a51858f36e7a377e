"""`palabre mcp`: an assistant works with a remote Palabre, through its REST API.

A Model Context Protocol server over stdio (the official `mcp` SDK). It never touches a
database and imports nothing of Django: it calls /api/v1/ over HTTP with the person's
token, so the API's permission checks, scopes and audit are the only path.

- `client.py`: the HTTP side (the address check, the token, refusals as readable errors);
- `tools.py`: the tools, one API call each, and the scope each needs;
- `server.py`: the MCP server and its resources;
- `command.py`: `palabre mcp`, its options and its start.
"""
