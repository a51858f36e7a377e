from django.urls import path

from palabre.webhooks import views

W = "w/<slug:slug>/settings/webhooks"
# Named under "workspace_settings_": the Settings section lights up in the navigation.
urlpatterns = [
    path(f"{W}/", views.webhook_list, name="workspace_settings_webhooks"),
    path(f"{W}/new/", views.webhook_new, name="workspace_settings_webhook_new"),
    path(f"{W}/<int:pk>/", views.webhook_log, name="workspace_settings_webhook"),
    path(
        f"{W}/<int:pk>/disable/", views.webhook_disable, name="workspace_settings_webhook_disable"
    ),
    path(f"{W}/<int:pk>/enable/", views.webhook_enable, name="workspace_settings_webhook_enable"),
    path(f"{W}/<int:pk>/delete/", views.webhook_delete, name="workspace_settings_webhook_delete"),
    path(f"{W}/<int:pk>/test/", views.webhook_send_test, name="workspace_settings_webhook_test"),
    path(
        f"{W}/<int:pk>/secret/",
        views.webhook_secret_replace,
        name="workspace_settings_webhook_secret",
    ),
    path(
        f"{W}/<int:pk>/deliveries/<int:delivery_id>/send-again/",
        views.webhook_send_again,
        name="workspace_settings_webhook_send_again",
    ),
]
