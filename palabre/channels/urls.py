from django.urls import path

from palabre.channels import views

urlpatterns = [
    path("w/<slug:slug>/settings/channels/", views.channel_list, name="channel_list"),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/remove/",
        views.channel_remove,
        name="channel_remove",
    ),
]
