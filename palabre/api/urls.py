"""The REST API's one entry point: /api/v1/, its OpenAPI document and its docs page."""

from __future__ import annotations

from django.urls import include, path
from ninja import NinjaAPI

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

api = NinjaAPI(
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
