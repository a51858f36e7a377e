from django.urls import path

from palabre.publishing import calendar_views, views

urlpatterns = [
    path("w/<slug:slug>/compose/", views.compose, name="compose"),
    path("w/<slug:slug>/compose/check/", views.compose_check_new, name="compose_check_new"),
    path("w/<slug:slug>/compose/media/", views.compose_media_add, name="compose_media_add"),
    path("w/<slug:slug>/posts/", calendar_views.posts_list, name="posts_list"),
    path("w/<slug:slug>/posts/<int:post_id>/", views.post_edit, name="post_edit"),
    path("w/<slug:slug>/posts/<int:post_id>/check/", views.compose_check, name="compose_check"),
    path("w/<slug:slug>/posts/<int:post_id>/review/", views.post_review, name="post_review"),
    path("w/<slug:slug>/posts/<int:post_id>/workflow/", views.post_workflow, name="post_workflow"),
    path("w/<slug:slug>/calendar/", calendar_views.calendar_page, name="calendar"),
    path("w/<slug:slug>/calendar/move/", calendar_views.calendar_move, name="calendar_move"),
    path("w/<slug:slug>/calendar/ical/reset/", calendar_views.ical_reset, name="ical_reset"),
    path("w/<slug:slug>/posts/export.csv", calendar_views.posts_export, name="posts_export"),
    path("w/<slug:slug>/posts/import/", calendar_views.posts_import, name="posts_import"),
    path(
        "w/<slug:slug>/posts/<int:post_id>/next-slot/",
        calendar_views.post_next_slot,
        name="post_next_slot",
    ),
    path("ical/<str:token>.ics", calendar_views.ical_feed, name="ical_feed"),
    path("w/<slug:slug>/notices/", views.notices, name="notices"),
    path("w/<slug:slug>/media/", views.media_library, name="media"),
    path("w/<slug:slug>/media/<int:media_id>/", views.media_edit, name="media_edit"),
    path("w/<slug:slug>/media/<int:media_id>/file/", views.media_file, name="media_file"),
    # Fetched by Instagram and Threads: a signed, expiring address (public_media.py).
    path("public/media/<str:token>", views.public_media, name="public_media"),
]
