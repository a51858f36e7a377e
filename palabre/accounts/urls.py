from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from palabre.accounts.forms import PasswordResetInTheirLanguageForm
from palabre.accounts.views import account, auth, workspaces

urlpatterns = [
    path("", workspaces.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.login_code, name="login_code"),
    path("logout/", auth.logout_view, name="logout"),
    path("setup/", auth.setup, name="setup"),
    path("language/", account.set_language, name="set_language"),
    path("account/", account.account, name="account"),
    path("account/name/", account.account_name, name="account_name"),
    path("account/two-factor/", account.two_factor, name="account_two_factor"),
    path(
        "account/two-factor/disable/", account.two_factor_disable, name="account_two_factor_disable"
    ),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("account")
        ),
        name="password_change",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            form_class=PasswordResetInTheirLanguageForm,
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", workspaces.invitation_accept, name="invitation_accept"),
    path("workspaces/", workspaces.workspace_list, name="workspace_list"),
    path("w/<slug:slug>/settings/", workspaces.workspace_settings, name="workspace_settings"),
    path("w/<slug:slug>/settings/logo/", workspaces.workspace_logo, name="workspace_logo"),
    path("w/<slug:slug>/settings/members/", workspaces.members, name="members"),
    path(
        "w/<slug:slug>/settings/members/<int:member_id>/",
        workspaces.member_update,
        name="member_update",
    ),
    path(
        "w/<slug:slug>/settings/invitations/<int:invitation_id>/revoke/",
        workspaces.invitation_revoke,
        name="invitation_revoke",
    ),
]
