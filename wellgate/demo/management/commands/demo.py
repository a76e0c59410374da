"""``wellgate demo``: load the fictional demo force (once) and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wellgate.demo.builders import DEMO_PASSWORD, DOMAIN, LOGINS, build, demo_exists


class Command(BaseCommand):
    help = "Load the demo force if it is not there yet, and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            self.stdout.write("The demo force is already loaded.")
        else:
            build()
            self.stdout.write(
                self.style.SUCCESS("Demo force loaded: Northmoor Constabulary (fictional).")
            )
        if options["quiet"]:
            return
        self.stdout.write("")
        self.stdout.write("Demo logins (every person is fictional), password: " + DEMO_PASSWORD)
        for role, login in LOGINS:
            self.stdout.write(f"  {role:<36} {login}@{DOMAIN}")
        self.stdout.write(
            "Demo accounts skip two-step verification; real accounts in those roles must set it up."
        )
