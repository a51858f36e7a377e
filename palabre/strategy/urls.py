from django.urls import re_path

from palabre.strategy import views

urlpatterns = [
    re_path(r"^l/(?P<code>[A-Za-z0-9]{4,16})$", views.follow, name="short_link"),
    re_path(r"^w/(?P<slug>[-a-zA-Z0-9_]+)/strategy/links/$", views.links, name="strategy_links"),
]
