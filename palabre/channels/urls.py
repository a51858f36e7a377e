from django.urls import path

from palabre.channels import hook_views, linkedin_views, meta_views, views, x_views

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
        "w/<slug:slug>/settings/channels/meta/",
        meta_views.channel_connect_meta,
        name="channel_connect_meta",
    ),
    path(
        "w/<slug:slug>/settings/channels/meta/pick/",
        meta_views.channel_pick_meta,
        name="channel_pick_meta",
    ),
    path("channels/meta/callback/", meta_views.meta_callback, name="meta_callback"),
    path(
        "w/<slug:slug>/settings/channels/threads/",
        meta_views.channel_connect_threads,
        name="channel_connect_threads",
    ),
    path("channels/threads/callback/", meta_views.threads_callback, name="threads_callback"),
    path(
        "w/<slug:slug>/settings/channels/x/",
        x_views.channel_connect_x,
        name="channel_connect_x",
    ),
    path("channels/x/callback/", x_views.x_callback, name="x_callback"),
    path(
        "w/<slug:slug>/settings/channels/linkedin/",
        linkedin_views.channel_connect_linkedin,
        name="channel_connect_linkedin",
    ),
    path(
        "w/<slug:slug>/settings/channels/linkedin/pick/",
        linkedin_views.channel_pick_linkedin,
        name="channel_pick_linkedin",
    ),
    path("channels/linkedin/callback/", linkedin_views.linkedin_callback, name="linkedin_callback"),
    # What Meta calls (docs/networks/meta.md lists them for the app dashboard).
    path("hooks/meta/", hook_views.meta_webhook, name="meta_webhook"),
    path("hooks/meta/deauthorize/", hook_views.meta_deauthorize, name="meta_deauthorize"),
    path("hooks/meta/deletion/", hook_views.meta_data_deletion, name="meta_data_deletion"),
    path("hooks/threads/", hook_views.threads_webhook, name="threads_webhook"),
    path("hooks/threads/deauthorize/", hook_views.threads_deauthorize, name="threads_deauthorize"),
    path("hooks/threads/deletion/", hook_views.threads_data_deletion, name="threads_data_deletion"),
    path(
        "data-deletion/<slug:code>/",
        hook_views.data_deletion_status,
        name="data_deletion_status",
    ),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/planning/",
        views.channel_planning,
        name="channel_planning",
    ),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/poll/",
        views.channel_poll,
        name="channel_poll",
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
