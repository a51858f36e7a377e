from django.urls import path

from palabre.listening import trend_views, views

urlpatterns = [
    path("w/<slug:slug>/listening/", views.listening, name="listening"),
    path("w/<slug:slug>/listening/<int:pk>/", views.listening_heard, name="listening_heard"),
    path("w/<slug:slug>/listening/<int:pk>/seen/", views.listening_seen, name="listening_seen"),
    path("w/<slug:slug>/listening/<int:pk>/tag/", views.listening_tag, name="listening_tag"),
    path("w/<slug:slug>/listening/<int:pk>/send/", views.listening_send, name="listening_send"),
    path("w/<slug:slug>/listening/<int:pk>/reply/", views.listening_reply, name="listening_reply"),
    path("w/<slug:slug>/listening/<int:pk>/idea/", views.listening_idea, name="listening_idea"),
    path(
        "w/<slug:slug>/listening/<int:pk>/contact/",
        views.listening_contact,
        name="listening_contact",
    ),
    path("w/<slug:slug>/listening/searches/", views.listening_searches, name="listening_searches"),
    path(
        "w/<slug:slug>/listening/searches/<int:pk>/",
        views.listening_searches,
        name="listening_search_edit",
    ),
    path(
        "w/<slug:slug>/listening/searches/<int:pk>/delete/",
        views.listening_search_delete,
        name="listening_search_delete",
    ),
    path("w/<slug:slug>/listening/settings/", views.listening_settings, name="listening_settings"),
    path("w/<slug:slug>/listening/erase/", views.listening_erase, name="listening_erase"),
    path("w/<slug:slug>/listening/trends/", trend_views.listening_trends, name="listening_trends"),
]
