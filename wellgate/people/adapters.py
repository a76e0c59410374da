"""How Wellgate uses allauth.

Accounts are created by administrators only: no public sign-up, no sign-up through OIDC.
Wrong passwords slow further attempts at that account down but never refuse the right one.
An address an administrator set is used for sign-in and resets only once its owner confirms
it. A sign-in with a one-time password, or after a reset to such an address, marks the
session (``SESSION_ADMIN_RESET``) so that every welfare read in it is logged.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from wellgate.people import accounts
from wellgate.people.middleware import SESSION_ADMIN_RESET

FAILURES_KEY = "wellgate:login-failures:"


def pause(seconds: float) -> None:
    """Wait before checking a password (tests replace this rather than sleep)."""
    time.sleep(seconds)


def login_delay(failures: int) -> float:
    """Seconds to wait before the next attempt at an account after ``failures`` wrong
    passwords: none at first, then 1, 2, 4 … up to ``WELLGATE_LOGIN_MAX_DELAY``."""
    free = settings.WELLGATE_LOGIN_FREE_FAILURES
    if failures < free:
        return 0.0
    return float(min(2 ** (failures - free), settings.WELLGATE_LOGIN_MAX_DELAY))


def _failures_key(credentials: dict[str, Any]) -> str:
    login = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    return FAILURES_KEY + hashlib.sha256(login.encode()).hexdigest()


def address_usable(user: AbstractBaseUser, email: str | None) -> bool:
    """May ``email`` sign ``user`` in, or receive their reset link? Their current address
    and a confirmed one may; one an administrator set and nobody has confirmed may not."""
    if not email:
        return True
    current = str(getattr(user, "email", "") or "")
    if email.strip().lower() == current.lower():
        return True
    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=email, verified=True).exists()


class _Site:
    """What allauth's mail templates call the current site, without a request."""

    name = "Wellgate"

    @property
    def domain(self) -> str:
        return urlsplit(settings.WELLGATE_BASE_URL).netloc


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """Check a password, after a delay that grows with the account's recent failures.
        Every attempt waits alike, right or wrong, so the delay reveals nothing; the right
        password always signs in (allauth's lock-out is switched off in settings)."""
        key = _failures_key(credentials)
        failures = int(cache.get(key, 0))
        delay = login_delay(failures)
        if delay:
            pause(delay)
        user = super().authenticate(request, **credentials)
        if user is not None and not address_usable(user, credentials.get("email")):
            user = None  # an address waiting for confirmation signs nobody in
        if user is None:
            cache.set(key, failures + 1, settings.WELLGATE_LOGIN_FAILURE_WINDOW)
        elif failures:
            cache.delete(key)
        return user

    def send_password_reset_mail(
        self, user: AbstractBaseUser, email: str, context: dict[str, Any]
    ) -> None:
        # allauth finds the account by any of its addresses, confirmed or not: a reset link
        # goes only to one that may sign in.
        if address_usable(user, email):
            super().send_password_reset_mail(user, email, context)

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        accounts.password_replace(person=user, password=password)  # type: ignore[arg-type]

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        reason = accounts.sign_in_record(person=user)  # type: ignore[arg-type]
        super().login(request, user)
        if reason:
            request.session[SESSION_ADMIN_RESET] = reason

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Also outside a request (a service's mail after its commit): no Site needed.
        ctx = {"email": email, "current_site": _Site(), "base_url": settings.WELLGATE_BASE_URL}
        ctx.update(context)
        self.render_mail(template_prefix, email, ctx).send()

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        path = reverse("account_confirm_email", args=[emailconfirmation.key])
        return settings.WELLGATE_BASE_URL + path


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False
