"""Every write about requests to leave the team: one transaction each, access checked.

A request suspends the officer's clearance in the transaction that makes it (the pathway's
``move_requested`` event is written with it), and the supervisor and the welfare lead are
told in that same transaction. It then moves forward only (``rules.transition``): there is
no service, however called, that declines, cancels, hides or deletes one. The officer alone
may withdraw it; their clearance then stays suspended until they choose to resume.

No flag is opened for a request. DESIGN.md §8 lists "move request" as a possible source, but
an open flag blocks advancement and reads as a concern on team pages: a request already
suspends clearance, has its own deadlines and escalation, and asking to leave must never be
a mark against the officer (§1.2). A flag would only add a step before an officer who
withdrew could progress again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from wellgate import clock
from wellgate.calendar import local_date, today_for
from wellgate.errors import Refused
from wellgate.moves import queries, rules
from wellgate.moves.models import OPEN_STATES, MoveBreach, MoveEvent, MoveRequest
from wellgate.notify.services import enqueue
from wellgate.pathway import services as pathway_services
from wellgate.people import services as people_services
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person, Role
from wellgate.people.queries import Recipients, current_supervisor, holders, team_ids_of
from wellgate.periodic import claim
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import PolicySettings

REASON_MAX = 5000
DESTINATION_MAX = 200


def _not_found() -> Refused:
    return Refused.one("not_found", "Not found, or you do not have access to it.", None, 404)


def _as_step(exc: Refused) -> Refused:
    """A pathway or people refusal during a step, in one sentence: their fields are not ours."""
    return Refused.one(exc.codes[0], str(exc), None, exc.status)


# --- Time and policy ----------------------------------------------------------------------


def deadlines_if_asked_now(force_id: int) -> rules.Deadlines:
    """The deadlines a request made now would get (told to the officer before they ask)."""
    policy = policy_queries.current(force_id)
    return rules.deadlines(today_for(policy), policy)


# --- Who is told --------------------------------------------------------------------------


def _staff_of(officer: Person) -> list[Person]:
    """The officer's supervisor and the force's welfare leads, each once."""
    people: dict[int, Person] = {}
    supervisor = current_supervisor(officer)
    if supervisor is not None and supervisor.is_active:
        people[supervisor.pk] = supervisor
    for lead in holders(officer.force_id, Role.WELFARE_LEAD):
        people.setdefault(lead.pk, lead)
    people.pop(officer.pk, None)
    return list(people.values())


def _tell(
    recipients: Iterable[Person], req: MoveRequest, what: str, title: str, body: str = ""
) -> None:
    link = reverse("move_request", args=[req.pk])
    for person in recipients:
        enqueue(
            recipient=person,
            kind=f"moves.{what}",
            dedup_key=f"{req.key}:{what}:{person.pk}",
            title=title,
            body=body,
            link=link,
        )


# --- Asking to leave ----------------------------------------------------------------------


@transaction.atomic
def move_request(*, by: Viewer, officer: Person | None = None, reason: str = "") -> MoveRequest:
    """The officer asks to leave the team (for themselves only; ``officer`` defaults to them).

    Their clearance is suspended in this transaction (the pathway's ``move_requested``
    event), the deadlines are fixed from the policy in force, and their supervisor and the
    welfare lead are told at once. ``reason`` is optional and private to the officer and the
    welfare lead.
    """
    officer = officer or by.person
    if officer.pk != by.person.pk or by.role != Role.OFFICER or not can(by, "self.decide", officer):
        raise Refused.one(
            "move.self_only",
            "Only the officer can ask to leave the team, and only for themselves.",
            None,
            403,
        )
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise Refused.one(
            "move.reason_too_long",
            f"Keep the reason to {REASON_MAX} characters or fewer, or leave it out.",
            "reason",
        )
    # One writer per officer: a double click makes one request, not two.
    Person.objects.select_for_update().filter(pk=officer.pk).first()
    if MoveRequest.objects.filter(officer=officer, state__in=OPEN_STATES).exists():
        raise Refused.one(
            "move.already_requested",
            "You have already asked to leave the team. Follow that request, or withdraw it "
            "before asking again.",
        )
    now = clock.now()
    version = policy_queries.current_version(officer.force_id)
    policy = PolicySettings.from_dict(version.settings) if version else PolicySettings()
    deadlines = rules.deadlines(local_date(now, policy), policy)
    try:
        with transaction.atomic():
            req = MoveRequest.objects.create(
                force_id=officer.force_id,
                officer=officer,
                team_id=next(iter(team_ids_of(officer)), None),
                requested_at=now,
                reason=reason,
                acknowledge_due=deadlines.acknowledge_by,
                agree_due=deadlines.agree_by,
                move_due=deadlines.move_by,
                policy_version=version,
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise Refused.one(
            "move.already_requested", "You have already asked to leave the team."
        ) from exc
    MoveEvent.objects.create(request=req, type="requested", at=now, by=officer, by_role=by.role)
    try:
        pathway_services.event_record(by=by, officer=officer, type="move_requested")
    except Refused as exc:
        raise _as_step(exc) from exc
    _tell(
        _staff_of(officer),
        req,
        "requested",
        f"{officer.full_name} has asked to leave the team. Their viewing is suspended.",
        f"Acknowledge the request by {rules.long_date(deadlines.acknowledge_by)}, agree where "
        f"they will move to by {rules.long_date(deadlines.agree_by)} and complete the move by "
        f"{rules.long_date(deadlines.move_by)}. It cannot be declined.",
    )
    return req


# --- Taking a request forward -------------------------------------------------------------


@transaction.atomic
def move_step(
    *, by: Viewer, request: MoveRequest, action: str, destination: str | None = None
) -> MoveRequest:
    """Take ``action`` on the request if the rules allow it; otherwise refuse with a code.

    The actions are ``acknowledge``, ``agree`` (with a ``destination``) and ``moved`` (the
    officer's supervisor or the welfare lead) and ``withdraw`` (the officer alone). Anything
    else, "decline" included, is refused: nobody can decline, cancel or close a request.
    """
    req = (
        MoveRequest.objects.select_for_update()
        .select_related("officer", "officer__force")
        .filter(pk=request.pk)
        .first()
    )
    if req is None or not queries.may_view(by, req):
        raise _not_found()
    destination = (destination or "").strip()
    new_state = rules.transition(
        req.state, action, by.role, by.person.pk == req.officer_id, destination
    )
    if len(destination) > DESTINATION_MAX:
        raise Refused.one(
            "move.destination_too_long",
            f"Name the destination in {DESTINATION_MAX} characters or fewer.",
            "destination",
        )
    now = clock.now()
    fields = ["state"]
    if new_state == "acknowledged":
        req.acknowledged_at, req.acknowledged_by = now, by.person
        fields += ["acknowledged_at", "acknowledged_by"]
    elif new_state == "agreed":
        req.agreed_at, req.agreed_by, req.destination = now, by.person, destination
        fields += ["agreed_at", "agreed_by", "destination"]
    elif new_state == "moved":
        req.moved_at, req.moved_by = now, by.person
        fields += ["moved_at", "moved_by"]
    elif new_state == "withdrawn":
        req.withdrawn_at = now
        fields.append("withdrawn_at")
    req.state = new_state
    req.save(update_fields=fields)
    MoveEvent.objects.create(
        request=req,
        type=new_state,
        at=now,
        by=by.person,
        by_role=by.role,
        detail=destination if new_state == "agreed" else "",
    )
    try:
        _after(by, req, new_state)
    except Refused as exc:
        raise _as_step(exc) from exc
    return req


def _after(by: Viewer, req: MoveRequest, state: str) -> None:
    """What each step causes, in the step's transaction."""
    officer = req.officer
    deadlines = req.deadlines
    if state == "acknowledged":
        _tell(
            [officer],
            req,
            state,
            "Your request to leave the team has been acknowledged.",
            f"Next, where you will move to is agreed by {rules.long_date(deadlines.agree_by)}.",
        )
    elif state == "agreed":
        _tell(
            [officer],
            req,
            state,
            f"Your move out of the team is agreed: to {req.destination}.",
            f"The move is completed by {rules.long_date(deadlines.move_by)}.",
        )
    elif state == "moved":
        # The officer leaves the team through the one way out: their officer role, line
        # management and mentoring end, obligations stop, open flags go to the welfare lead
        # and the pathway ends. Their history stays. Their staff are named before it ends.
        others = [p for p in _staff_of(officer) if p.pk != by.person.pk]
        people_services.membership_end(
            officer=officer, by=by, reason=f"Moved to {req.destination}."
        )
        _tell(
            [officer],
            req,
            state,
            f"Your move out of the team to {req.destination} is complete.",
            "Thank you for the work you did in the team. Your welfare contacts are still there "
            "for you.",
        )
        _tell(others, req, "moved_staff", f"{officer.full_name} has moved to {req.destination}.")
    elif state == "withdrawn":
        pathway_services.event_record(by=by, officer=officer, type="move_withdrawn")
        _tell(
            _staff_of(officer),
            req,
            state,
            f"{officer.full_name} has withdrawn their request to leave the team.",
            "Their viewing stays suspended until they choose to resume it.",
        )


def move_acknowledge(*, by: Viewer, request: MoveRequest) -> MoveRequest:
    """The officer's supervisor or the welfare lead acknowledges the request."""
    return move_step(by=by, request=request, action="acknowledge")


def move_agree(*, by: Viewer, request: MoveRequest, destination: str) -> MoveRequest:
    """The officer's supervisor or the welfare lead agrees where the officer moves to."""
    return move_step(by=by, request=request, action="agree", destination=destination)


def move_moved(*, by: Viewer, request: MoveRequest) -> MoveRequest:
    """The move is done: the officer leaves the team (pathway, roles, obligations)."""
    return move_step(by=by, request=request, action="moved")


def move_withdraw(*, by: Viewer, request: MoveRequest) -> MoveRequest:
    """The officer withdraws their own request; their viewing stays suspended until they
    resume it themselves (a pathway ``resumed`` decision)."""
    return move_step(by=by, request=request, action="withdraw")


# --- Missed deadlines (the tick) ----------------------------------------------------------


def _policy_of(req: MoveRequest) -> PolicySettings:
    # The rules the deadlines were fixed by (the nation's working days).
    version = req.policy_version
    return PolicySettings.from_dict(version.settings) if version else PolicySettings()


def _escalate_one(pk: int, *, today: dt.date, recipients: Recipients) -> int:
    sent = 0
    with transaction.atomic():
        claimable = MoveRequest.objects.filter(pk=pk, escalation_complete=False).filter(
            Q(escalations_checked_on__isnull=True) | Q(escalations_checked_on__lt=today)
        )
        # Only the process that moves the date to today escalates it today.
        if not claim(claimable, escalations_checked_on=today):
            return 0
        req = MoveRequest.objects.select_related("officer", "policy_version").get(pk=pk)
        policy = _policy_of(req)
        progress = queries.progress_of(req, policy)
        recorded = set(req.breaches.values_list("key", flat=True))
        now = clock.now()
        for breach in rules.breaches(req.key, req.deadlines, progress, policy, today):
            if breach.key in recorded:
                continue
            try:
                with transaction.atomic():
                    MoveBreach.objects.create(
                        request=req,
                        stage=breach.stage,
                        level=breach.level,
                        due=breach.due,
                        escalated_on=today,
                        recorded_at=now,
                        key=breach.key,
                    )
            except IntegrityError:
                continue  # recorded by another process since we looked
            for person in recipients.holders(breach.level):
                if enqueue(
                    recipient=person,
                    kind=f"moves.breach.{breach.level}",
                    dedup_key=f"moves.breach:{breach.key}:{person.pk}",
                    title=f"{req.officer.full_name}: a deadline to leave the team was missed",
                    body=breach.message,
                    link=reverse("move_request", args=[req.pk]),
                ):
                    sent += 1
        schedule = rules.breach_schedule(req.key, req.deadlines, policy)
        # Once finished, or once every escalation day has passed, nothing more can happen.
        if not req.is_open or all(b.on_date <= today for b in schedule):
            MoveRequest.objects.filter(pk=pk).update(escalation_complete=True)
    return sent


def breaches_send(*, now: dt.datetime) -> int:
    """Record and escalate every missed deadline due by today (the tick step).

    The welfare lead first, then the senior leaders, on the working days the rules give.
    Each breach has a stable key, so a re-run or a second tick process sends nothing twice.
    """
    sent = 0
    pending = MoveRequest.objects.filter(escalation_complete=False)
    force_ids = sorted(set(pending.values_list("force_id", flat=True).distinct().order_by()))
    for force_id in force_ids:
        today = today_for(policy_queries.current(force_id), now)
        ids = list(
            pending.filter(force_id=force_id, acknowledge_due__lt=today)
            .filter(Q(escalations_checked_on__isnull=True) | Q(escalations_checked_on__lt=today))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        recipients = Recipients(force_id, now)
        for pk in ids:
            sent += _escalate_one(pk, today=today, recipients=recipients)
    return sent


def escalations_stop(*, officer: Person, by: Viewer, reason: str) -> int:
    """The officer left the team by another door (their role ended, their account closed):
    an open request to leave no longer escalates. It stays on record as it was."""
    return MoveRequest.objects.filter(
        officer=officer, state__in=OPEN_STATES, escalation_complete=False
    ).update(escalation_complete=True)
