from django.urls import path

from palabre.web import views

urlpatterns = [path("w/<slug:slug>/", views.dashboard, name="dashboard")] + [
    path(f"w/<slug:slug>/{section}/", views.upcoming, {"section": section}, name=section)
    for section in views.UPCOMING
]
