from django.urls import include, path

urlpatterns = [
    path("", include("palabre.api.urls")),
    path("", include("palabre.accounts.urls")),
    path("", include("palabre.channels.urls")),
    path("", include("palabre.publishing.urls")),
    path("", include("palabre.inbox.urls")),
    path("", include("palabre.analytics.urls")),
    path("", include("palabre.strategy.urls")),
    path("", include("palabre.listening.urls")),
    path("", include("palabre.webhooks.urls")),
    path("", include("palabre.web.urls")),
]

handler400 = "palabre.web.errors.bad_request"
handler403 = "palabre.web.errors.forbidden"
handler404 = "palabre.web.errors.not_found"
handler500 = "palabre.web.errors.server_error"
