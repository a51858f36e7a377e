"""The REST API's one entry point: /api/v1/, its OpenAPI document and its docs page."""

from __future__ import annotations

import copy
from typing import Any

from django.urls import include, path
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from palabre.api import errors
from palabre.api.access import TokenAuth
from palabre.api.routers import (
    calendar,
    contacts,
    inbox,
    media,
    posts,
    reports,
    strategy,
    workspace,
)


class PalabreApi(NinjaAPI):
    # The document is built once per address it is served under: building it takes a
    # third of a second of CPU, and the routes cannot change while the process runs.
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._schemas: dict[str, OpenAPISchema] = {}

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__  # unique: access.allowed checks it

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Refusals are documented as what they are: application/problem+json."""
        if path_prefix is None:  # the address it is served under (the script prefix's)
            path_prefix = self.get_root_path(path_params or {})
        cached = self._schemas.get(path_prefix)
        if cached is not None:
            return copy.deepcopy(cached)  # the caller's to change
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        response["content"] = {errors.PROBLEM: content["application/json"]}
        self._schemas[path_prefix] = copy.deepcopy(schema)
        return schema


api = PalabreApi(
    title="Palabre API",
    version="1",
    description=(
        "Everything a person does in Palabre, for a program: posts, the inbox, contacts and "
        "the figures. Authenticate with `Authorization: Bearer palabre_…` (a token made in "
        "the workspace's settings). See docs/api.md."
    ),
    auth=TokenAuth(),
    parser=errors.BoundedParser(),
    urls_namespace="api_v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/workspace", workspace.router)
api.add_router("/conversations", inbox.router)
api.add_router("/posts", posts.router)
api.add_router("/media", media.router)
api.add_router("/calendar", calendar.router)
api.add_router("/contacts", contacts.router)
api.add_router("/reports", reports.router)
api.add_router("/", strategy.router)  # /time-entries, /links, /conversions

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("palabre.api.page_urls")),  # the token pages, in the workspace's settings
]
