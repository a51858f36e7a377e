"""The pages where members make and revoke their API tokens."""

from django.urls import path

from palabre.api import views

urlpatterns = [
    path("w/<slug:slug>/settings/api/", views.api_tokens, name="api_tokens"),
    path(
        "w/<slug:slug>/settings/api/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
]
