from django.urls import path

from palabre.web import views

urlpatterns = [
    path("w/<slug:slug>/", views.dashboard, name="dashboard"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
]
