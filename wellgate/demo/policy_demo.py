"""Demo policy: the Wellgate defaults adopted, then support contacts and a shorter idle sign-out."""

from __future__ import annotations

from wellgate import clock
from wellgate.demo.cast import Demo
from wellgate.people.models import Role
from wellgate.policy.rules import PolicySettings
from wellgate.policy.services import policy_update


def build_policy(demo: Demo) -> None:
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)
    with clock.frozen_at(demo.at(400)):
        policy_update(
            by=welfare,
            force=demo.force,
            settings=PolicySettings(),
            reason="Adopted the Wellgate defaults.",
        )
    with clock.frozen_at(demo.at(90)):
        # Ofcom's drama numbers (01632 960xxx): fictional, like everything in the demo.
        contacts = [
            {
                "name": "Northmoor Occupational Health (psychological assessments)",
                "detail": "01632 960 101",
            },
            {"name": "Employee assistance programme (24 hours)", "detail": "01632 960 202"},
            {"name": "Samaritans (24 hours, free)", "detail": "116 123"},
            {"name": "Emergency", "detail": "999"},
        ]
        settings = PolicySettings.from_dict(
            {**PolicySettings().to_dict(), "idle_timeout_minutes": 20, "support_contacts": contacts}
        )
        policy_update(
            by=welfare,
            force=demo.force,
            settings=settings,
            reason="Support contacts filled in; shorter idle sign-out agreed with information security.",
        )
