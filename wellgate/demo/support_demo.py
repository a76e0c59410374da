"""Demo welfare support: half a year of obligations kept (and a few not), flags, observations,
assessments, time away and coping strategies, all written through the services with the clock
moved back, as if it had happened on those days."""

from __future__ import annotations

import datetime as dt

from wellgate import clock
from wellgate.demo.cast import Demo
from wellgate.flags import services as flag_services
from wellgate.flags.models import Flag
from wellgate.notify.services import deliver_pending
from wellgate.people.access import Viewer
from wellgate.people.models import Person, Role
from wellgate.people.queries import current_roles, current_supervisor
from wellgate.support import services
from wellgate.support.models import OUTSTANDING, Obligation

HISTORY_DAYS = 112  # sixteen weeks, in fortnightly steps
STEP_DAYS = 14
MEETING_NOTES = {
    "one_to_one": ("Tired but fine; enjoying the new case.", "Manageable this month."),
    "workload_review": ("", "Two large exports queued; agreed to share one with the team."),
    "structured_review": ("Settling in; wants more time with the mentor.", "About right."),
    "still_right_review": ("Still feels right to stay; will review in a year.", "Steady."),
    "debrief": ("Shaken at first, better after talking it through.", "Lighter week agreed."),
}


# Obligations left undone, so that the demo shows overdue items at every level: those due
# within the last N days (None: never done at all).
LATE: dict[tuple[str, str], int | None] = {
    ("devon.dunmere", "psych_assessment"): None,  # escalated to the senior leaders
    ("jules.kettlewell", "psych_assessment"): 60,
    ("blake.birchmoor", "one_to_one"): 30,  # escalated to the welfare lead
    ("harper.holmrook", "workload_review"): 12,
    ("indy.ivybridge", "welfare_day"): 50,
}


def _skip(login: str, kind: str, days_ago: int) -> bool:
    if (login, kind) not in LATE:
        return False
    within = LATE[(login, kind)]
    return within is None or days_ago < within


def _as(person: Person, role: str) -> Viewer:
    return Viewer(person=person, role=role, roles=current_roles(person))


class _Viewers(dict[tuple[int, str], Viewer]):
    """The viewers of one moment, made once (each caches how it stands to others)."""

    def of(self, person: Person, role: str) -> Viewer:
        if (person.pk, role) not in self:
            self[(person.pk, role)] = _as(person, role)
        return self[(person.pk, role)]


def _act(
    demo: Demo, viewers: _Viewers, login: str, ob: Obligation, today: dt.date, days_ago: int
) -> None:
    officer = demo.people[login]
    welfare = viewers.of(demo.people["wendy.welfare"], Role.WELFARE_LEAD)
    supervisor = current_supervisor(officer)
    if supervisor is None or _skip(login, ob.kind, days_ago):
        return
    boss = viewers.of(supervisor, Role.SUPERVISOR)
    day = min(ob.effective_due_on, today)
    if ob.kind == "welfare_day":
        me = viewers.of(officer, Role.OFFICER)
        if login == "olivia.officer" and ob.state == "due":
            services.welfare_day_book(by=me, day=today + dt.timedelta(days=9))
        else:
            services.obligation_complete(by=me, obligation=ob, done_on=day)
    elif ob.kind == "psych_assessment":
        services.psych_attended_record(by=welfare, officer=officer, attended_on=day)
    elif login == "quinn.ravenglass" and ob.kind == "one_to_one" and 90 <= days_ago <= 125:
        services.obligation_miss(by=boss, obligation=ob)
    elif login == "noel.oxenholme" and ob.kind == "one_to_one" and ob.state == "due":
        moved = max(ob.effective_due_on, today) + dt.timedelta(days=10)
        services.obligation_reschedule(by=boss, obligation=ob, to=moved)
    else:
        how, workload = MEETING_NOTES[ob.kind]
        services.meeting_record(
            by=boss,
            officer=officer,
            kind=ob.kind,
            held_on=day,
            how_are_you=how,
            workload=workload,
            agreed_actions="Check in again at the next 1:1.",
            obligation=ob,
        )


def _history(demo: Demo) -> None:
    logins = {p.pk: login for login, p in demo.people.items()}
    with clock.frozen_at(demo.at(HISTORY_DAYS)):
        # Devon's last assessment was seven months ago: the next is 30+ days overdue.
        services.psych_attended_record(
            by=demo.viewer("wendy.welfare", Role.WELFARE_LEAD),
            officer=demo.people["devon.dunmere"],
            attended_on=demo.at(222).date(),
        )
    for days_ago in range(HISTORY_DAYS, 0, -STEP_DAYS):
        moment = demo.at(days_ago)
        with clock.frozen_at(moment):
            services.obligations_plan_due(now=moment)
            today = services.today_for(services.policy_for(demo.force.pk))
            due = Obligation.objects.filter(
                force=demo.force,
                state__in=OUTSTANDING,
                effective_due_on__lte=today + dt.timedelta(days=7),
            ).order_by("effective_due_on", "id")
            viewers = _Viewers()
            for ob in due:
                _act(demo, viewers, logins[ob.officer_id], ob, today, days_ago)
            services.escalations_send(now=moment)


def _flags(demo: Demo) -> None:
    sam = demo.viewer("sam.supervisor", Role.SUPERVISOR)
    sky = demo.viewer("sky.sergeant", Role.SUPERVISOR)
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)
    p = demo.people
    # Casey: an observation, then the 1:1 that closed its flag.
    with clock.frozen_at(demo.at(25)):
        _, casey_flag = services.observation_record(
            by=sam,
            officer=p["casey.cragside"],
            signs=["irritability", "fatigue"],
            note="Short with colleagues twice this week; says sleep is poor.",
        )
    with clock.frozen_at(demo.at(22)):
        services.meeting_record(
            by=sam,
            officer=p["casey.cragside"],
            kind="one_to_one",
            held_on=services.today_for(services.policy_for(demo.force.pk)),
            how_are_you="A difficult case at home and at work; sleeping better since the weekend.",
            workload="Moved off the video backlog for two weeks.",
            agreed_actions="Two weeks without video; talk again after that.",
            closes_flag=casey_flag,
        )
    # Indy: an unexpected exposure and its debrief; the welfare lead took the flag over and
    # closed it with a note.
    with clock.frozen_at(demo.at(60)):
        services.unexpected_exposure_recorded(
            officer=p["indy.ivybridge"], occurred_at=demo.at(60), source_ref="session:demo-417"
        )
    indy_flag = Flag.objects.get(officer=p["indy.ivybridge"], source_ref="session:demo-417")
    with clock.frozen_at(demo.at(59)):
        flag_services.flag_take_over(by=welfare, flag=indy_flag)
    with clock.frozen_at(demo.at(58)):
        services.meeting_record(
            by=sky,
            officer=p["indy.ivybridge"],
            kind="debrief",
            held_on=services.today_for(services.policy_for(demo.force.pk)),
            how_are_you="Unsettled by it; glad to talk it through.",
            agreed_actions="No video this week; check in on Friday.",
        )
    with clock.frozen_at(demo.at(55)):
        flag_services.flag_close(
            by=welfare,
            flag=indy_flag,
            note="Spoke with Indy and the provider; a debrief was held and a check-in is booked.",
        )
    # Avery: an open amber flag with a note in its history.
    with clock.frozen_at(demo.at(20)):
        _, avery_flag = services.observation_record(
            by=sam,
            officer=p["avery.ashdown"],
            signs=["withdrawal", "cynicism"],
            note="Quieter than usual; a couple of flat remarks about the work.",
        )
    assert avery_flag is not None
    with clock.frozen_at(demo.at(19)):
        flag_services.flag_note_add(
            by=sam, flag=avery_flag, note="Asked how things are; 1:1 planned for next week."
        )
    # Gray: an amber flag the welfare lead has taken over, still open.
    with clock.frozen_at(demo.at(12)):
        _, gray_flag = services.observation_record(
            by=sky, officer=p["gray.garsdale"], signs=["hypervigilance"], note=""
        )
    assert gray_flag is not None
    with clock.frozen_at(demo.at(10)):
        flag_services.flag_take_over(by=welfare, flag=gray_flag)
    # Ellis: a recent unexpected exposure, red flag open, debrief overdue.
    with clock.frozen_at(demo.at(6)):
        services.unexpected_exposure_recorded(
            officer=p["ellis.eskdale"], occurred_at=demo.at(6), source_ref="session:demo-902"
        )


def _appointments(demo: Demo) -> None:
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)
    p = demo.people
    with clock.frozen_at(demo.at(25)):
        devon = services.psych_book(
            by=welfare, officer=p["devon.dunmere"], starts_at=demo.at(20).replace(hour=14, minute=0)
        )
    with clock.frozen_at(demo.at(19)):
        services.psych_attendance_record(by=welfare, appointment=devon, attended=False)
    with clock.frozen_at(demo.at(5)):
        services.psych_book(
            by=welfare, officer=p["pat.quernmore"], starts_at=demo.at(1).replace(hour=11, minute=0)
        )
    with clock.frozen_at(demo.at(2)):
        services.psych_book(
            by=welfare,
            officer=p["nico.newjoiner"],
            starts_at=(demo.now + dt.timedelta(days=10)).replace(hour=10, minute=0),
        )
    with clock.frozen_at(demo.at(1)):
        services.welfare_day_book(
            by=demo.viewer("casey.cragside", Role.OFFICER),
            day=services.today_for(services.policy_for(demo.force.pk)) + dt.timedelta(days=12),
        )


def _time_away_and_coping(demo: Demo) -> None:
    for days, login, kind in (
        (15, "kai.langstrath", "non_viewing_day"),
        (3, "olivia.officer", "rest_of_day"),
        (1, "nico.newjoiner", "short_break"),
    ):
        with clock.frozen_at(demo.at(days)):
            services.time_away_take(by=demo.viewer(login, Role.OFFICER), kind=kind)
    shared = {}
    for days, login, title, text, anonymous in (
        (90, "olivia.officer", "A walk at lunch", "Twenty minutes outside, phone away.", False),
        (
            70,
            "avery.ashdown",
            "Switching off",
            "I change clothes when I get home: the work stays in the bag.",
            True,
        ),
        (
            50,
            "gray.garsdale",
            "Music on the drive home",
            "A playlist that is only for that.",
            False,
        ),
        (
            30,
            "harper.holmrook",
            "Saying it out loud",
            "Telling a colleague 'that one was bad'.",
            True,
        ),
    ):
        with clock.frozen_at(demo.at(days)):
            shared[login] = services.coping_share(
                by=demo.viewer(login, Role.OFFICER), title=title, text=text, anonymous=anonymous
            )
    for days, login, author in (
        (8, "nico.newjoiner", "olivia.officer"),
        (25, "casey.cragside", "olivia.officer"),
        (40, "blake.birchmoor", "avery.ashdown"),
        (18, "kai.langstrath", "gray.garsdale"),
    ):
        with clock.frozen_at(demo.at(days)):
            services.coping_mark_helpful(
                by=demo.viewer(login, Role.OFFICER), strategy=shared[author]
            )


def build_support(demo: Demo) -> None:
    _history(demo)
    _flags(demo)
    _appointments(demo)
    _time_away_and_coping(demo)
    with clock.frozen_at(demo.at(2)):
        services.case_closed(
            officers=[demo.people["noel.oxenholme"], demo.people["quinn.ravenglass"]],
            case_ref="OP-NORTHMOOR-17",
            by=demo.viewer("tate.teamlead", Role.SUPERVISOR),
        )
    with clock.frozen_at(demo.now):
        services.obligations_plan_due(now=demo.now)
        services.escalations_send(now=demo.now)
        deliver_pending(demo.now)
