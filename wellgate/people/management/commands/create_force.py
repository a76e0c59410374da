"""``wellgate create_force NAME ADMIN_EMAIL ADMIN_NAME``: start a new force in production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wellgate.errors import Refused
from wellgate.people.services import force_create


class Command(BaseCommand):
    help = (
        "Create a force and its first administrator (prints a one-time password). For the "
        "platform operator: no role inside a force creates forces."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("admin_email")
        parser.add_argument("admin_name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            force, admin, password = force_create(
                name=options["name"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                by=None,
            )
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Force {force.name} ({force.slug}) created.")
        self.stdout.write(
            f"Administrator {admin.email}, one-time password (to be changed at first sign-in): "
            f"{password}"
        )
