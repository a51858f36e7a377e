from django.urls import path

from palabre.channels import views

urlpatterns = [
    path("w/<slug:slug>/settings/channels/", views.channel_list, name="channel_list"),
    path(
        "w/<slug:slug>/settings/channels/bluesky/",
        views.channel_connect_bluesky,
        name="channel_connect_bluesky",
    ),
    path(
        "w/<slug:slug>/settings/channels/mastodon/",
        views.channel_connect_mastodon,
        name="channel_connect_mastodon",
    ),
    path("channels/mastodon/callback/", views.mastodon_callback, name="mastodon_callback"),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/planning/",
        views.channel_planning,
        name="channel_planning",
    ),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/disconnect/",
        views.channel_disconnect,
        name="channel_disconnect",
    ),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/remove/",
        views.channel_remove,
        name="channel_remove",
    ),
]
