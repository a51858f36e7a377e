from django.urls import path

from palabre.listening import views

urlpatterns = [
    path("w/<slug:slug>/listening/", views.listening, name="listening"),
]
