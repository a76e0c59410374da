from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from wellgate.people.accounts import password_reset_record

    password_reset_record(person=user)


class PeopleConfig(AppConfig):
    name = "wellgate.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        # allauth's signal is the one place a reset link's new password is known to be set.
        password_reset.connect(_password_reset, dispatch_uid="wellgate.people.password_reset")
