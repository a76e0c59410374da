"""``wellgate tick``: run every app's periodic work once, or every N seconds with --loop."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wellgate import clock
from wellgate.periodic import run_all


class Command(BaseCommand):
    help = "Run periodic work (obligations, escalations, deadlines, delivery). Safe to run twice at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=int, metavar="SECONDS", help="Keep running, every SECONDS."
        )
        parser.add_argument("--now", metavar="ISO", help="Run as if it were this moment (replays).")

    def handle(self, *args: Any, **options: Any) -> None:
        moment: dt.datetime | None = None
        if options["now"]:
            try:
                moment = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(
                    f"--now {options['now']!r}: write an ISO date-time, e.g. 2026-03-01T09:00+00:00"
                ) from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        loop = options["loop"]
        if loop is not None and loop < 1:
            raise CommandError("--loop needs a number of seconds of at least 1.")
        while True:
            ok = self._once(moment)
            if loop is None:
                if not ok:
                    # After the summary, so the steps that ran are still reported.
                    raise CommandError("One or more steps failed; see the log above.")
                return
            time.sleep(loop)  # a failed step is retried on the next round

    def _once(self, moment: dt.datetime | None) -> bool:
        at = moment or clock.now()
        with clock.frozen_at(at):
            result = run_all(at)
        summary = ", ".join(
            [f"{name}: {n}" for name, n in result.done.items()]
            + [f"{name}: FAILED" for name in result.failed]
        )
        self.stdout.write(f"tick {at.isoformat(timespec='seconds')} {summary}")
        return result.ok
