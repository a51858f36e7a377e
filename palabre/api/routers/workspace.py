"""The token's workspace, and who the token acts as."""

from django.http import HttpRequest
from ninja import Schema

from palabre.accounts.permissions import Action
from palabre.api.access import ApiRouter, allowed, caller_of
from palabre.api.models import Scope
from palabre.api.schemas import REFUSALS

router = ApiRouter(tags=["workspace"])


class WorkspaceOut(Schema):
    slug: str
    name: str
    timezone: str
    role: str
    acting_as: str
    token_scopes: list[str]


@router.get("", response={200: WorkspaceOut, **REFUSALS})
@allowed(Action.VIEW_WORKSPACE, Scope.READ)
def workspace_read(request: HttpRequest) -> WorkspaceOut:
    caller = caller_of(request)
    return WorkspaceOut(
        slug=caller.workspace.slug,
        name=caller.workspace.name,
        timezone=caller.workspace.timezone,
        role=caller.membership.role,
        acting_as=caller.user.email,
        token_scopes=list(caller.token.scopes),
    )
