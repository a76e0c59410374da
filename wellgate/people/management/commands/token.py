"""``wellgate token create USER --scope read|write [--role ROLE] [--name NAME] [--service]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wellgate.errors import Refused
from wellgate.people.models import Person
from wellgate.people.queries import current_roles
from wellgate.people.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a person (prints the secret once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token.")
        create.add_argument("user", help="The person's e-mail address.")
        create.add_argument("--scope", choices=["read", "write"], required=True)
        create.add_argument(
            "--role", help="The role the token acts in (default: the person's first role)."
        )
        create.add_argument("--name", default="Command-line token")
        create.add_argument(
            "--service",
            action="store_true",
            help="A service token, e.g. for a grading workstation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(email__iexact=options["user"]).first()
        if person is None:
            raise CommandError(f"No account with e-mail {options['user']}.")
        roles = current_roles(person)
        role = options["role"] or (roles[0] if roles else "")
        try:
            token, secret = token_create(
                person=person,
                name=options["name"],
                scope=options["scope"],
                role=role,
                is_service=options["service"],
            )
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Token {token.prefix}… for {person.email} as {role}, scope {token.scope}:"
        )
        self.stdout.write(secret)
