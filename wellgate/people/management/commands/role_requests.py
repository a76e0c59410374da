"""``wellgate role_requests [--force SLUG]`` and ``wellgate role_requests approve ID``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wellgate.errors import Refused
from wellgate.people.models import RoleRequest, RoleRequestState
from wellgate.people.services import role_request_approve


class Command(BaseCommand):
    help = (
        "List role grants waiting for a second person, or approve one as the platform operator "
        "(for a new force that has nobody else to approve yet)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", help="Only this force (its slug).")
        sub = parser.add_subparsers(dest="action")
        approve = sub.add_parser("approve", help="Approve one request.")
        approve.add_argument("request_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "approve":
            request = RoleRequest.objects.filter(pk=options["request_id"]).first()
            if request is None:
                raise CommandError(f"No role request {options['request_id']}.")
            try:
                grant = role_request_approve(by=None, request=request)
            except Refused as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Approved: {grant.person.email} is {grant.get_role_display()}.")
            return
        pending = RoleRequest.objects.filter(state=RoleRequestState.PENDING).select_related(
            "person__force", "team", "requested_by"
        )
        if options["force"]:
            pending = pending.filter(person__force__slug=options["force"])
        for r in pending.order_by("requested_at", "id"):
            team = f" ({r.team.name})" if r.team else ""
            self.stdout.write(
                f"{r.pk}\t{r.person.force.slug}\t{r.person.email}\t{r.get_role_display()}{team}"
                f"\tasked by {r.requested_by.email} on {r.requested_at:%Y-%m-%d}"
            )
