"""Every write to flags: opening, taking over, notes, closing. One transaction each.

A flag closes only with a recorded action: a 1:1 or debrief (recorded by the support app,
which passes its reference) or a welfare lead's note. A red flag tells every welfare lead of
the force at once, through the outbox, in the transaction that opens it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse

from wellgate import clock
from wellgate.errors import Refused
from wellgate.flags.models import (
    PRIVATE_SOURCES,
    EventType,
    Flag,
    FlagEvent,
    Severity,
    Source,
    State,
)
from wellgate.notify.services import enqueue
from wellgate.people.access import Viewer, can
from wellgate.people.models import LineManagement, Person, Role
from wellgate.people.queries import holders


def default_owner(officer: Person, source: str = "") -> Person | None:
    """Who owns a flag nobody chose an owner for: the supervisor, else a welfare lead.
    A check-in flag never goes to the supervisor, who must not learn of it (§3)."""
    lm = (
        LineManagement.objects.current()
        .filter(officer=officer, supervisor__is_active=True)
        .select_related("supervisor")
        .first()
    )
    if lm is not None and source not in PRIVATE_SOURCES:
        return lm.supervisor
    leads = holders(officer.force_id, Role.WELFARE_LEAD)
    return leads[0] if leads else None


def _flag_link(flag: Flag) -> str:
    return reverse("flag", args=[flag.pk])


@transaction.atomic
def flag_open(
    *,
    officer: Person,
    source: str,
    severity: str,
    owner: Person | None = None,
    source_ref: str = "",
    note: str = "",
    by: Viewer | None = None,
) -> Flag:
    """Open a flag about ``officer`` (or return the one already opened for this cause).

    ``by=None`` is Wellgate itself acting on an event (an unexpected exposure, a check-in);
    other apps check access before they call this. A person opening a flag must be allowed to
    record support for the officer.
    """
    if source not in Source.values:
        raise Refused.one(
            "flag.source_unknown",
            f"“{source}” is not a flag source; use one of {', '.join(Source.values)}.",
            "source",
        )
    if severity not in Severity.values:
        raise Refused.one("flag.severity_unknown", "Severity must be amber or red.", "severity")
    if by is not None and not can(by, "support.record", officer):
        raise Refused.one("access.denied", "You cannot raise a flag about this person.", None, 403)
    owner = owner or default_owner(officer, source)
    if owner is not None and owner.force_id != officer.force_id:
        raise Refused.one(
            "flag.owner_force", "The owner must belong to the officer's force.", "owner"
        )
    if source_ref:
        existing = Flag.objects.filter(
            officer=officer, source=source, source_ref=source_ref
        ).first()
        if existing is not None:
            return existing
    now = clock.now()
    try:
        with transaction.atomic():  # a concurrent opening for the same cause must not fail ours
            flag = Flag.objects.create(
                force_id=officer.force_id,
                officer=officer,
                source=source,
                severity=severity,
                owner=owner,
                opened_at=now,
                opened_by=by.person if by else None,
                source_ref=source_ref[:120],
                note=note.strip(),
            )
    except IntegrityError:
        return Flag.objects.get(officer=officer, source=source, source_ref=source_ref)
    FlagEvent.objects.create(
        flag=flag,
        type=EventType.OPENED,
        at=now,
        by=by.person if by else None,
        by_role=by.role if by else "system",
        to_owner=owner,
    )
    if severity == Severity.RED:
        for lead in holders(officer.force_id, Role.WELFARE_LEAD):
            enqueue(
                recipient=lead,
                kind="flag.red",
                dedup_key=f"flag:{flag.pk}:red:{lead.pk}",
                title=f"Red flag: {officer.full_name} ({flag.get_source_display().lower()})",
                body="A red welfare flag needs urgent attention.",
                link=_flag_link(flag),
            )
    if owner is not None and (by is None or owner.pk != by.person.pk):
        enqueue(
            recipient=owner,
            kind="flag.owner",
            dedup_key=f"flag:{flag.pk}:owner:{owner.pk}",
            title=f"{flag.severity_word} flag for {officer.full_name}: yours to follow up",
            body="Talk with them, then record the 1:1 or debrief that closes the flag.",
            link=_flag_link(flag),
        )
    return flag


def _require_open(flag: Flag) -> Flag:
    # Re-read under a lock: two people acting on one flag at once act one after the other.
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if locked.state != State.OPEN:
        raise Refused.one(
            "flag.closed",
            "This flag is already closed; nothing changes after that. Open a new one if needed.",
        )
    return locked


@transaction.atomic
def flag_take_over(*, by: Viewer, flag: Flag) -> Flag:
    """The welfare lead makes a flag theirs (the history keeps the previous owner)."""
    if not can(by, "force.welfare", flag.officer.force) or flag.force_id != by.force_id:
        raise Refused.one(
            "access.denied", "Only the force's welfare lead takes over a flag.", None, 403
        )
    flag = _require_open(flag)
    if flag.owner_id == by.person.pk:
        return flag
    previous = flag.owner
    flag.owner = by.person
    flag.save(update_fields=["owner"])
    event = FlagEvent.objects.create(
        flag=flag,
        type=EventType.OWNER_CHANGED,
        at=clock.now(),
        by=by.person,
        by_role=by.role,
        from_owner=previous,
        to_owner=by.person,
    )
    if previous is not None:
        enqueue(
            recipient=previous,
            kind="flag.taken_over",
            dedup_key=f"flag:{flag.pk}:event:{event.pk}",
            title=f"{by.person.full_name} has taken over the flag for {flag.officer.full_name}",
            link=_flag_link(flag),
        )
    return flag


@transaction.atomic
def flag_hold_set(*, by: Viewer, flag: Flag, holds: bool) -> Flag:
    """The welfare lead holds (or stops holding) the officer's pathway on this open flag.

    While held, the pathway gate shows everyone the neutral requirement ``gate.welfare_hold``
    and names nothing else: that is how a private flag (a check-in's), which never blocks the
    gate by itself, may still stop an advance. Closing the flag ends the hold.
    """
    if not can(by, "force.welfare", flag.officer.force) or flag.force_id != by.force_id:
        raise Refused.one(
            "access.denied", "Only the force's welfare lead holds a pathway.", None, 403
        )
    flag = _require_open(flag)
    if flag.holds_pathway == holds:
        return flag
    flag.holds_pathway = holds
    flag.save(update_fields=["holds_pathway"])
    FlagEvent.objects.create(
        flag=flag,
        type=EventType.HOLD if holds else EventType.HOLD_RELEASED,
        at=clock.now(),
        by=by.person,
        by_role=by.role,
    )
    return flag


def may_act_on(viewer: Viewer, flag: Flag) -> bool:
    """Whether ``viewer`` may add notes to and close this flag."""
    return can(viewer, "support.record", flag.officer)


@transaction.atomic
def flag_note_add(*, by: Viewer, flag: Flag, note: str) -> FlagEvent:
    """Add a note to an open flag's history."""
    if not may_act_on(by, flag):
        raise Refused.one("access.denied", "You cannot add to this flag.", None, 403)
    if not note.strip():
        raise Refused.one("flag.note_missing", "Write the note.", "note")
    flag = _require_open(flag)
    return FlagEvent.objects.create(
        flag=flag,
        type=EventType.NOTE,
        at=clock.now(),
        by=by.person,
        by_role=by.role,
        note=note.strip(),
    )


@transaction.atomic
def flag_close(
    *, by: Viewer, flag: Flag, action: str = "", action_ref: str = "", note: str = ""
) -> Flag:
    """Close a flag with the action that addressed it.

    Either ``action_ref`` names a recorded 1:1 or debrief (``"meeting:7"``, passed by the
    support app with ``action``, a sentence describing it), or the welfare lead writes a
    ``note`` saying what was done. Anything else is refused: a flag never just disappears.
    """
    if not may_act_on(by, flag):
        raise Refused.one("access.denied", "You cannot close this flag.", None, 403)
    note = note.strip()
    if action_ref:
        if not action.strip():
            raise Refused.one("flag.action_missing", "Say which recorded action closes the flag.")
        description, ref = action.strip()[:200], action_ref[:60]
    elif note:
        if by.role != Role.WELFARE_LEAD:
            raise Refused.one(
                "flag.note_welfare_lead_only",
                "A supervisor closes a flag by recording the 1:1 or debrief that addressed it; "
                "only the welfare lead closes a flag with a note.",
                "note",
                403,
            )
        description, ref = "Welfare lead's note", "note"
    else:
        raise Refused.one(
            "flag.action_missing",
            "A flag closes only with a recorded action: choose the 1:1 or debrief that "
            "addressed it, or (welfare lead) write a note saying what was done.",
            "note",
        )
    flag = _require_open(flag)
    now = clock.now()
    flag.state = State.CLOSED
    flag.closed_at = now
    flag.closed_by = by.person
    flag.closing_action = description
    flag.closing_ref = ref
    flag.closing_note = note
    flag.save(
        update_fields=[
            "state",
            "closed_at",
            "closed_by",
            "closing_action",
            "closing_ref",
            "closing_note",
        ]
    )
    FlagEvent.objects.create(
        flag=flag, type=EventType.CLOSED, at=now, by=by.person, by_role=by.role, note=note
    )
    return flag


@transaction.atomic
def flags_hand_to_welfare_lead(*, officer: Person, by: Viewer, reason: str = "") -> int:
    """The officer has left the team: each open flag of theirs goes to the welfare lead (the
    supervisor no longer manages them), with an entry in its history. Returns how many moved.

    Registered (``apps.py``) to run inside ``people.services.membership_end``, after its
    access check. With no welfare lead in the force the owner stays as it is.
    """
    leads = holders(officer.force_id, Role.WELFARE_LEAD)
    if not leads:
        return 0
    lead_ids = {p.pk for p in leads}
    now = clock.now()
    moved = 0
    for flag in Flag.objects.select_for_update().filter(officer=officer, state=State.OPEN):
        if flag.owner_id in lead_ids:
            continue
        previous = flag.owner
        flag.owner = leads[0]
        flag.save(update_fields=["owner"])
        event = FlagEvent.objects.create(
            flag=flag,
            type=EventType.OWNER_CHANGED,
            at=now,
            by=by.person,
            by_role=by.role,
            from_owner=previous,
            to_owner=leads[0],
            note=f"The officer left the team. {reason}".strip(),
        )
        enqueue(
            recipient=leads[0],
            kind="flag.handed_over",
            dedup_key=f"flag:{flag.pk}:event:{event.pk}",
            title=f"{officer.full_name} has left the team: their open flag is now yours",
            link=_flag_link(flag),
        )
        moved += 1
    return moved
