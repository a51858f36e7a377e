from django.urls import path

from palabre.inbox import contact_views, manage_views, views

W = "w/<slug:slug>"

urlpatterns = [
    path(f"{W}/inbox/", views.inbox, name="inbox"),
    path(f"{W}/inbox/<int:pk>/", views.inbox_item, name="inbox_item"),
    path(f"{W}/inbox/<int:pk>/reply/", views.inbox_reply, name="inbox_reply"),
    path(f"{W}/inbox/<int:pk>/reply/count/", views.inbox_reply_count, name="inbox_reply_count"),
    path(
        f"{W}/inbox/<int:pk>/private-reply/",
        views.inbox_private_reply,
        name="inbox_private_reply",
    ),
    path(f"{W}/inbox/<int:pk>/thank/", views.inbox_thank, name="inbox_thank"),
    path(f"{W}/inbox/<int:pk>/note/", views.inbox_note, name="inbox_note"),
    path(f"{W}/inbox/<int:pk>/assign/", views.inbox_assign, name="inbox_assign"),
    path(f"{W}/inbox/<int:pk>/done/", views.inbox_done, name="inbox_done"),
    path(
        f"{W}/inbox/<int:pk>/<str:verb>/",
        views.inbox_moderate,
        name="inbox_moderate",
    ),
    path(f"{W}/inbox/rules/", manage_views.inbox_rules, name="inbox_rules"),
    path(f"{W}/inbox/rules/<int:pk>/", manage_views.inbox_rules, name="inbox_rule_edit"),
    path(
        f"{W}/inbox/rules/<int:pk>/delete/",
        manage_views.inbox_rule_delete,
        name="inbox_rule_delete",
    ),
    path(f"{W}/inbox/replies/", manage_views.inbox_saved_replies, name="inbox_saved_replies"),
    path(
        f"{W}/inbox/replies/<int:pk>/",
        manage_views.inbox_saved_replies,
        name="inbox_saved_reply_edit",
    ),
    path(
        f"{W}/inbox/replies/<int:pk>/delete/",
        manage_views.inbox_saved_reply_delete,
        name="inbox_saved_reply_delete",
    ),
    path(f"{W}/inbox/log/", manage_views.inbox_log, name="inbox_log"),
    path(f"{W}/inbox/settings/", manage_views.inbox_settings, name="inbox_settings"),
    path(f"{W}/contacts/", contact_views.contacts, name="contacts"),
    path(f"{W}/contacts/<int:pk>/", contact_views.contact_detail, name="contact_detail"),
    path(f"{W}/contacts/<int:pk>/merge/", contact_views.contact_merge_view, name="contact_merge"),
    path(
        f"{W}/contacts/<int:pk>/export/", contact_views.contact_export_view, name="contact_export"
    ),
    path(f"{W}/contacts/<int:pk>/erase/", contact_views.contact_erase_view, name="contact_erase"),
    path("n/<slug:slug>/", manage_views.netiquette, name="netiquette"),
]
