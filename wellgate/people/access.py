"""Who may do what: the one place access is decided (DESIGN.md §3).

``can(viewer, action, subject)`` answers for every page, API operation and query. A viewer is a
person acting in one role (people with two roles switch between them). The subject is the
person whose record is touched, or a ``Force`` for force-wide actions, or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from wellgate.people.models import Force, LineManagement, MentorAssignment, Person, Role

# Actions on one person's record, and which relations allow them. The relations are:
# "self" (the subject is the viewer), "report" (current supervisor of the subject),
# "mentee" (current mentor of the subject), "force" (any person of the viewer's force).
PERSON_ACTIONS: dict[str, dict[str, frozenset[str]]] = {
    # Name, team and supervisor: needed to act on anyone you have a role towards.
    "person.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.SUPERVISOR: frozenset({"self", "report"}),
        Role.MENTOR: frozenset({"self", "mentee"}),
        Role.WELFARE_LEAD: frozenset({"self", "force"}),
        Role.SENIOR_LEADER: frozenset({"self", "force"}),
        Role.ADMINISTRATOR: frozenset({"self", "force"}),
    },
    # Stage, clearance, gate status; exposure sessions and limits.
    "pathway.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.SUPERVISOR: frozenset({"report"}),
        Role.MENTOR: frozenset({"mentee"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # Briefings, mentor assignment, supervised sessions, reflection discussions.
    "pathway.record": {
        Role.SUPERVISOR: frozenset({"report"}),
        Role.MENTOR: frozenset({"mentee"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # Sign-off, advance, a welfare pause or step back: never for oneself.
    "pathway.decide": {
        Role.SUPERVISOR: frozenset({"report"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # The officer's own decisions: readiness, pause, step back, resume, leave.
    "self.decide": {
        Role.OFFICER: frozenset({"self"}),
    },
    "obligations.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.SUPERVISOR: frozenset({"report"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # 1:1 and observation notes (row level: the author or the current supervisor).
    "notes.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.SUPERVISOR: frozenset({"report"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # Check-in answers and scores: never a supervisor, mentor, senior leader or administrator.
    "checkins.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # A move request (the private reason is narrower: see "move.reason").
    "move.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.SUPERVISOR: frozenset({"report"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
        Role.SENIOR_LEADER: frozenset({"force"}),
    },
    "move.reason": {
        Role.OFFICER: frozenset({"self"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    "accesslog.view": {
        Role.OFFICER: frozenset({"self"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # Accounts, roles, line management.
    "person.manage": {
        Role.ADMINISTRATOR: frozenset({"force"}),
    },
    # Record a 1:1, workload review, debrief or observation about a person, and act on their
    # flags: whoever may read those notes and is responsible for the person (§3, §6).
    "support.record": {
        Role.SUPERVISOR: frozenset({"report"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
    # Log an exposure session (or run its timer): the officer for themself, and whoever may
    # record pathway evidence for them (a mentor sitting with a new joiner, the supervisor).
    "exposure.log": {
        Role.OFFICER: frozenset({"self"}),
        Role.SUPERVISOR: frozenset({"report"}),
        Role.MENTOR: frozenset({"mentee"}),
        Role.WELFARE_LEAD: frozenset({"force"}),
    },
}

# Reads of these actions on somebody else are welfare reads and go to the access log: the
# record pages, and the forms that show welfare state (the gate, obligations, open flags).
WELFARE_READS = frozenset(
    {
        "pathway.view",
        "pathway.record",
        "pathway.decide",
        "support.record",
        "obligations.view",
        "notes.view",
        "checkins.view",
        "move.view",
        "accesslog.view",
        "exposure.log",
    }
)

# Actions on a force as a whole (the subject is a Force, or None for the viewer's own).
FORCE_ACTIONS: dict[str, frozenset[str]] = {
    "home.view": frozenset(Role.values),
    "inbox.view": frozenset(Role.values),
    "tokens.manage": frozenset(Role.values),
    "team.view": frozenset({Role.SUPERVISOR, Role.MENTOR, Role.WELFARE_LEAD}),
    "force.welfare": frozenset({Role.WELFARE_LEAD}),
    "aggregates.view": frozenset({Role.WELFARE_LEAD, Role.SENIOR_LEADER}),
    "escalations.view": frozenset({Role.WELFARE_LEAD, Role.SENIOR_LEADER}),
    "policy.view": frozenset({Role.WELFARE_LEAD, Role.ADMINISTRATOR, Role.SENIOR_LEADER}),
    "policy.edit": frozenset({Role.WELFARE_LEAD, Role.ADMINISTRATOR}),
    # Approve or reject a loosening policy change (the service also requires a second person
    # of the other role than the proposer's).
    "policy.approve": frozenset({Role.WELFARE_LEAD, Role.SENIOR_LEADER}),
    "people.manage": frozenset({Role.ADMINISTRATOR}),
    # Role grants waiting for a second person: listed to those who may approve them (the
    # service refuses the one who asked and the grantee). Forces themselves are created by
    # the platform operator on the command line: no force role lists or creates forces.
    "grants.approve": frozenset({Role.ADMINISTRATOR, Role.WELFARE_LEAD, Role.SENIOR_LEADER}),
    "accesslog.force": frozenset({Role.WELFARE_LEAD}),
    # The officer's own support: time away, welfare days, calendar feed, coping strategies.
    "support.self": frozenset({Role.OFFICER}),
    # Obligations and flags of the people one looks after (rows filtered by relation).
    "support.team": frozenset({Role.SUPERVISOR, Role.WELFARE_LEAD}),
    # Complete or reschedule an obligation one may see (the service checks row and kind).
    "obligations.record": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WELFARE_LEAD}),
    # Post exposure sessions (a grading workstation's token): the service then checks
    # "exposure.log" for the officer each session is about.
    "exposure.submit": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.MENTOR, Role.WELFARE_LEAD}),
    # Import grading-tool case exports, create and assign work packages, close cases.
    "cases.manage": frozenset({Role.SUPERVISOR, Role.WELFARE_LEAD}),
    # The officer's own check-ins: take or skip one, read its result, suggest a conversation.
    "checkins.self": frozenset({Role.OFFICER}),
    # The questionnaires themselves (items, options, licences): no answers and no scores.
    "instruments.view": frozenset(Role.values),
    # Ask to leave the team, follow one's own request and withdraw it.
    "moves.self": frozenset({Role.OFFICER}),
    # Requests to leave of the people one looks after: acknowledge, agree, record the move.
    "moves.team": frozenset({Role.SUPERVISOR, Role.WELFARE_LEAD}),
    # Open one request (rows by "move.view"; a senior leader's only once escalated to them).
    "moves.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WELFARE_LEAD, Role.SENIOR_LEADER}),
}

ACTIONS = frozenset(PERSON_ACTIONS) | frozenset(FORCE_ACTIONS)


@dataclass
class Viewer:
    """A person acting in one of their roles."""

    person: Person
    role: str
    roles: tuple[str, ...] = ()
    # The session signed in with a one-time password or after a reset to an address an
    # administrator set: every welfare read, one's own too, goes to the access log marked.
    after_admin_reset: bool = False
    _relations: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def force_id(self) -> int:
        return self.person.force_id

    def relations_to(self, subject: Person) -> frozenset[str]:
        """How the viewer stands to the subject (cached for the request)."""
        if subject.force_id != self.person.force_id:
            return frozenset()
        if subject.pk in self._relations:
            return self._relations[subject.pk]
        rel = {"force"}
        if subject.pk == self.person.pk:
            rel.add("self")
        else:
            if (
                LineManagement.objects.current()
                .filter(officer=subject, supervisor=self.person)
                .exists()
            ):
                rel.add("report")
            if (
                MentorAssignment.objects.current()
                .filter(officer=subject, mentor=self.person)
                .exists()
            ):
                rel.add("mentee")
        result = frozenset(rel)
        self._relations[subject.pk] = result
        return result


class UnknownAction(ValueError):
    pass


def can(viewer: Viewer | None, action: str, subject: Any = None) -> bool:
    """May ``viewer`` do ``action`` to ``subject``? The single access decision."""
    if viewer is None or not viewer.person.is_active or viewer.role not in viewer.roles:
        return False
    if action in PERSON_ACTIONS:
        if not isinstance(subject, Person):
            raise UnknownAction(f"{action} needs a person as its subject")
        allowed = PERSON_ACTIONS[action].get(viewer.role, frozenset())
        return bool(allowed & viewer.relations_to(subject))
    if action in FORCE_ACTIONS:
        if isinstance(subject, Force) and subject.pk != viewer.force_id:
            return False
        return viewer.role in FORCE_ACTIONS[action]
    raise UnknownAction(action)


def person_or_404(viewer: Viewer, action: str, person_id: int) -> Person:
    """The person if the viewer may do ``action`` to them; otherwise 404, never 403,
    so that a forged id does not even confirm the person exists."""
    subject = Person.objects.select_related("force").filter(pk=person_id).first()
    if subject is None or not can(viewer, action, subject):
        raise Http404("No such person.")
    return subject
