"""``wellgate import-vics FILE --force SLUG [--case-ref REF] [--team NAME]``: import a
grading-tool export, for the named team (without one, the force's own case).

The module name has a hyphen so that the command is spelt as DESIGN.md §11 spells it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wellgate.errors import Refused
from wellgate.exposure import services
from wellgate.exposure.forms import COUNT_LABELS
from wellgate.people.models import Force, Team


class Command(BaseCommand):
    help = "Import a VICS / Project VIC JSON case export for a force and print its counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The JSON file the grading tool exported.")
        parser.add_argument("--force", required=True, help="The force's slug.")
        parser.add_argument(
            "--case-ref", default="", help="The case reference (default: the file's own)."
        )
        parser.add_argument(
            "--team",
            default="",
            help="The team the case is for (default: none; the welfare lead then shares it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with slug {options['force']!r}.")
        team = None
        if options["team"]:
            team = Team.objects.filter(force=force, name=options["team"]).first()
            if team is None:
                names = ", ".join(Team.objects.filter(force=force).values_list("name", flat=True))
                raise CommandError(
                    f"No team {options['team']!r} in {force.name}; use one of: {names}."
                )
        path: Path = options["file"]
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        with stream:
            try:
                outcome = services.case_import(
                    by=None, force=force, stream=stream, case_ref=options["case_ref"], team=team
                )
            except Refused as exc:
                raise CommandError(
                    " ".join(
                        d.message + (" (--case-ref)" if d.field == "case_ref" else "")
                        for d in exc.details
                    )
                ) from exc
        case, summary = outcome.case, outcome.summary
        if outcome.already_imported:
            self.stdout.write(f"Already imported into case {case.case_ref}: nothing changed.")
        else:
            verb = "Imported" if outcome.created else "Updated"
            self.stdout.write(
                f"{verb} case {case.case_ref} (VICS {summary.version}, {summary.scope})."
            )
        width = max((len(COUNT_LABELS[c]) for c, _ in summary.counts), default=0)
        for (category, kind), n in summary.counts.items():
            self.stdout.write(f"  {COUNT_LABELS[category]:<{width}}  {kind:<6} {n:>10,}")
        self.stdout.write(f"  {'Items counted':<{width}}         {summary.total_items:>10,}")
        if summary.ignored_items:
            self.stdout.write(
                f"  {'Left out by the mapping':<{width}}         {summary.ignored_items:>10,}"
            )
