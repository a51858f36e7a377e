from django.urls import path, re_path

from palabre.strategy import views

urlpatterns = [
    re_path(r"^l/(?P<code>[A-Za-z0-9]{4,16})$", views.follow, name="short_link"),
    path("hooks/<slug:slug>/conversions/", views.conversions_webhook, name="conversions_webhook"),
    path("w/<slug:slug>/strategy/", views.strategy, name="strategy"),
    path("w/<slug:slug>/strategy/remove/", views.strategy_remove, name="strategy_remove"),
    path("w/<slug:slug>/strategy/links/", views.links, name="strategy_links"),
    path("w/<slug:slug>/strategy/return/", views.return_page, name="strategy_return"),
    path(
        "w/<slug:slug>/strategy/conversions/<int:pk>/delete/",
        views.conversion_delete_view,
        name="conversion_delete",
    ),
    path("w/<slug:slug>/time/", views.time_spent, name="time_spent"),
]
