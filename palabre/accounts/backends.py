from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from palabre.accounts.models import User


class EmailBackend(ModelBackend):
    """Log in with an e-mail address, in any letter case."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (kwargs.get("email") or username or "").strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            # Spend the same time as a real check, so timing does not reveal who has an account.
            User().set_password(password)
            return None
        if password and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
