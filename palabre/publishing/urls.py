from django.urls import path

from palabre.publishing import views

urlpatterns = [
    path("w/<slug:slug>/compose/", views.compose, name="compose"),
    path("w/<slug:slug>/posts/<int:post_id>/", views.post_edit, name="post_edit"),
    path("w/<slug:slug>/posts/<int:post_id>/check/", views.compose_check, name="compose_check"),
    path("w/<slug:slug>/posts/<int:post_id>/review/", views.post_review, name="post_review"),
    path("w/<slug:slug>/posts/<int:post_id>/workflow/", views.post_workflow, name="post_workflow"),
    path("w/<slug:slug>/media/", views.media_library, name="media"),
    path("w/<slug:slug>/media/<int:media_id>/", views.media_edit, name="media_edit"),
    path("w/<slug:slug>/media/<int:media_id>/file/", views.media_file, name="media_file"),
]
