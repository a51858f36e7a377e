from django.urls import path

from palabre.analytics import community_views, views

urlpatterns = [
    path("w/<slug:slug>/reports/", views.reports, name="reports"),
    path("w/<slug:slug>/reports/report.pdf", views.report_pdf, name="report_pdf"),
    path("w/<slug:slug>/reports/settings/", views.report_settings, name="report_settings"),
    path("w/<slug:slug>/reports/definitions/", views.definitions, name="report_definitions"),
    path("w/<slug:slug>/reports/<slug:table>.csv", views.report_csv, name="report_csv"),
    path("w/<slug:slug>/community/", community_views.community, name="community"),
    path("w/<slug:slug>/community.csv", community_views.community_csv, name="community_csv"),
]
