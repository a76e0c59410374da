"""Every write to the pathway: one transaction, access checked, the pure rules consulted."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from wellgate import clock
from wellgate.calendar import zone_of
from wellgate.errors import Detail, Refused
from wellgate.notify.services import enqueue
from wellgate.pathway import queries, rules
from wellgate.pathway.models import GuidanceVersion, PathwayEvent
from wellgate.people import services as people_services
from wellgate.people.access import Viewer, can
from wellgate.people.models import Force, Person
from wellgate.people.queries import current_supervisor
from wellgate.policy import queries as policy_queries
from wellgate.policy import services as policy_services
from wellgate.policy.models import PolicyVersion
from wellgate.policy.rules import PolicySettings

# The officer's own decisions about their own exposure.
SELF_EVENTS = frozenset(
    {
        "guidance_acknowledged",
        "readiness_declared",
        "paused",
        "resumed",
        "stepped_back",
        "move_requested",
        "move_withdrawn",
    }
)
# Evidence a supervisor, mentor or welfare lead records.
RECORD_EVENTS = frozenset(
    {"briefing_given", "mentor_assigned", "supervised_session", "reflection_discussed"}
)
# Decisions about somebody else's exposure: never for oneself.
DECIDE_EVENTS = frozenset({"signed_off", "advanced", "paused", "stepped_back"})
SYSTEM_EVENTS = frozenset({"joined", "left_team", "supervised_session"})


_FIELD_OF = {"event": "type", "step_back": "stage", "advance": "type", "readiness": "ready"}


def _refused(details: list[Detail], status: int = 422) -> Refused:
    """A pathway refusal, each reason on the input its code's prefix names."""
    return Refused(
        [replace(d, field=d.field or _FIELD_OF.get(d.code.split(".")[0])) for d in details],
        status,
    )


def _role_for(by: Viewer, officer: Person, type: str) -> str:
    """The role the actor acts in for this event, after checking they may record it."""
    if by.person.pk == officer.pk:
        if type in SELF_EVENTS and can(by, "self.decide", officer):
            return "officer"
    else:
        if type in DECIDE_EVENTS and can(by, "pathway.decide", officer):
            return by.role
        if type in RECORD_EVENTS and can(by, "pathway.record", officer):
            return by.role
    raise _refused(
        [Detail("access.denied", "You cannot record this for this person in your current role.")],
        status=403,
    )


def _lock(officer: Person) -> None:
    # One writer per officer at a time: two supervisors advancing at once produce one event.
    Person.objects.select_for_update().filter(pk=officer.pk).first()


@transaction.atomic
def event_record(
    *,
    by: Viewer | None,
    officer: Person,
    type: str,
    occurred_at: dt.datetime | None = None,
    note: str = "",
    ready: bool | None = None,
    stage: str | None = None,
    guidance: GuidanceVersion | None = None,
) -> PathwayEvent:
    """Append an event to the officer's pathway if the rules accept it; otherwise refuse with codes.

    ``by=None`` is Wellgate itself (``joined``, ``left_team`` or a supervised session fed from
    an exposure record). Pausing, stepping back and asking to leave take effect in this
    transaction: clearance is computed from the log, so writing the event is the drop.
    """
    if type not in rules.EVENT_TYPES:
        raise _refused(
            [
                Detail(
                    "event.unknown_type",
                    f"“{type}” is not a pathway event; use one of {', '.join(rules.EVENT_TYPES)}.",
                )
            ]
        )
    if by is None:
        if type not in SYSTEM_EVENTS:
            raise _refused([Detail("access.denied", "Only people record this event.")], 403)
        role, actor = "system", None
    else:
        if by.person.force_id != officer.force_id:
            raise _refused([Detail("access.denied", "No such person.")], 404)
        role, actor = _role_for(by, officer, type), by.person
    now = clock.now()
    occurred = occurred_at or now
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred, zone_of(policy_queries.current(officer.force_id)))
    _lock(officer)
    version = policy_queries.current_version(officer.force_id)
    policy = policy_queries.settings_of(version)
    proposed = rules.Event(
        type=type,
        subject_id=officer.pk,
        actor_id=actor.pk if actor else 0,
        by_role=role,
        recorded_at=now,
        occurred_at=occurred,
        ready=ready,
        stage=stage,
        note=note,
    )
    events = queries.events_of(officer)
    refusals = rules.decide(events, policy, now, proposed, queries.gate_context(officer))
    if refusals:
        raise _refused(refusals)
    # The clearance this decision grants is written on it: a later policy never raises it.
    grant = rules.grant_of(events, policy, proposed)
    event = PathwayEvent.objects.create(
        force_id=officer.force_id,
        officer=officer,
        type=type,
        actor=actor,
        by_role=role,
        recorded_at=now,
        occurred_at=occurred,
        ready=ready,
        stage=stage or "",
        note=note.strip(),
        guidance=guidance,
        policy_version=version,
        grant_category=(grant.max_category or "") if grant else "",
        grant_media=list(grant.media) if grant else [],
        grant_supervised=grant.supervised if grant else None,
        grant_policy_number=(version.number if version else 0) if grant else None,
    )
    _notify(event, officer, by)
    return event


def _notify(event: PathwayEvent, officer: Person, by: Viewer | None) -> None:
    """Tell the people who need to act; never as a mark against the officer.

    A request to leave the team is told by the moves app, with a link to the request and
    its deadlines, in the same transaction as this event.
    """
    link = f"/people/{officer.pk}/pathway/"
    supervisor = current_supervisor(officer)
    key = f"pathway:{event.pk}"
    if event.type in ("paused", "stepped_back") and event.by_role == "officer":
        what = {
            "paused": "has paused viewing",
            "stepped_back": "has stepped back to an earlier stage",
        }[event.type]
        recipients = [supervisor] if supervisor else []
        for person in recipients:
            enqueue(
                recipient=person,
                kind=f"pathway.{event.type}",
                dedup_key=f"{key}:{person.pk}",
                title=f"{officer.full_name} {what}. Their viewing is suspended.",
                link=link,
            )
    elif event.type in ("paused", "stepped_back") and by is not None:
        enqueue(
            recipient=officer,
            kind=f"pathway.{event.type}",
            dedup_key=f"{key}:officer",
            title="Your supervisor has changed your viewing for your wellbeing. See why on your pathway.",
            link=link,
        )
    elif event.type == "readiness_declared" and event.ready and supervisor:
        enqueue(
            recipient=supervisor,
            kind="pathway.ready",
            dedup_key=f"{key}:sup",
            title=f"{officer.full_name} feels able to view more: talk it through and sign off when right.",
            link=link,
        )
    elif event.type == "advanced":
        enqueue(
            recipient=officer,
            kind="pathway.advanced",
            dedup_key=f"{key}:officer",
            title="You have moved to the next stage of your pathway.",
            link=link,
        )


# Registered when this module is imported (the app's ready() imports it through periodic).
@policy_services.on_new_version("pathway.clearance_lowered")
def clearances_lowered_notify(
    *, force: Force, previous: PolicySettings, current: PolicySettings, version: PolicyVersion
) -> None:
    """Tell every officer whose clearance a new policy version lowers, in its transaction.

    The lower clearance applies at once (it is computed from the log and the policy); a
    higher one never does, so nobody is told of a rise.
    """
    now = clock.now()
    logs: dict[int, list[rules.Event]] = defaultdict(list)
    for e in PathwayEvent.objects.filter(force=force).order_by("recorded_at", "id"):
        logs[e.officer_id].append(queries.as_rule_event(e))
    lowered = []
    for officer_id, events in logs.items():
        before = rules.evaluate(events, previous, now)
        after = rules.evaluate(events, current, now)
        if not after.left_team and not after.stage_clearance.covers(before.stage_clearance):
            lowered.append(officer_id)
    for officer in Person.objects.filter(pk__in=lowered, is_active=True):
        enqueue(
            recipient=officer,
            kind="pathway.policy_lowered",
            dedup_key=f"pathway:policy:{version.pk}:{officer.pk}",
            title="Your clearance has changed after a policy update; see your pathway.",
            link=f"/people/{officer.pk}/pathway/",
        )


def advance(*, by: Viewer, officer: Person) -> PathwayEvent:
    """Move the officer to the next stage; refused with every unmet code unless the gate is complete."""
    st = queries.state(officer)
    target = st.next_stage.code if st.next_stage else None
    return event_record(by=by, officer=officer, type="advanced", stage=target)


@transaction.atomic
def mentor_assign(
    *, by: Viewer, officer: Person, mentor: Person, occurred_at: dt.datetime | None = None
) -> PathwayEvent:
    """Assign the mentor (line history kept by people) and record it on the pathway."""
    if not can(by, "pathway.record", officer):
        raise _refused([Detail("access.denied", "You cannot assign a mentor to this person.")], 403)
    try:
        people_services.mentor_set(by=by, officer=officer, mentor=mentor)
    except Refused as exc:
        raise _refused([Detail(d.code, d.message) for d in exc.details]) from exc
    return event_record(
        by=by,
        officer=officer,
        type="mentor_assigned",
        occurred_at=occurred_at,
        note=f"Mentor: {mentor.full_name}",
    )


@transaction.atomic
def guidance_publish(*, by: Viewer, title: str, text: str) -> GuidanceVersion:
    """A new version of the force's wellbeing guidance; everyone is asked to read it again."""
    if not can(by, "force.welfare", by.person.force):
        raise _refused([Detail("access.denied", "Only the welfare lead edits the guidance.")], 403)
    problems = []
    if not title.strip():
        problems.append(Detail("guidance.title_missing", "Give the guidance a title."))
    if len(text.strip()) < 20:
        problems.append(
            Detail(
                "guidance.text_too_short", "Write the guidance itself (at least a few sentences)."
            )
        )
    if problems:
        raise _refused(problems)
    last = queries.current_guidance(by.force_id)
    return GuidanceVersion.objects.create(
        force_id=by.force_id,
        number=(last.number + 1) if last else 1,
        title=title.strip(),
        text=text.strip(),
        created_at=clock.now(),
        created_by=by.person,
    )


def guidance_acknowledge(*, by: Viewer) -> PathwayEvent:
    """The officer has read the current guidance (the event records which version)."""
    current = queries.current_guidance(by.force_id)
    if current is None:
        raise _refused(
            [Detail("guidance.none", "Your force has not published wellbeing guidance yet.")]
        )
    return event_record(
        by=by,
        officer=by.person,
        type="guidance_acknowledged",
        guidance=current,
        note=f"Version {current.number}",
    )


def ensure_joined(*, officer: Person, joined_at: dt.datetime) -> bool:
    """Start the pathway of an officer who has none (idempotent)."""
    if queries.has_pathway(officer):
        return False
    try:
        event_record(by=None, officer=officer, type="joined", occurred_at=joined_at)
    except Refused as exc:
        if exc.codes == ["pathway.already_joined"]:
            return False  # another tick started it a moment ago
        raise
    return True


def left_team_record(*, officer: Person, by: Viewer, reason: str = "") -> PathwayEvent | None:
    """The officer has left the team: Wellgate records ``left_team``, which closes the pathway
    and drops the clearance. Nothing when it never started or is already closed.

    Registered (``apps.py``) to run inside ``people.services.membership_end``, after its
    access check; ``by`` is who ended the membership, the event is Wellgate's own.
    """
    if not queries.has_pathway(officer):
        return None
    if PathwayEvent.objects.filter(officer=officer, type="left_team").exists():
        return None
    return event_record(by=None, officer=officer, type="left_team", note=reason)
