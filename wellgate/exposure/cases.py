"""Cases imported from VICS summaries, who may see and close them, and their work packages.

Split from ``services.py`` (which re-exports every public name): the same layer, writes only,
keyword-only and one transaction each. A case of another team is not found, never forbidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from wellgate import clock
from wellgate.errors import Detail, Refused
from wellgate.exposure import queries as exposure_queries
from wellgate.exposure import rules, vics
from wellgate.exposure.models import (
    Case,
    CaseImport,
    CaseVolume,
    ExposureSession,
    WorkPackage,
    WorkPackageAssignment,
)
from wellgate.notify.services import enqueue
from wellgate.pathway import queries as pathway_queries
from wellgate.people.access import Viewer, can
from wellgate.people.models import Force, Person, Role, Team
from wellgate.people.queries import team_ids_of
from wellgate.policy import queries as policy_queries
from wellgate.support import services as support_services

CASE_REF_MAX = 100


def _not_found(field: str | None = None) -> Refused:
    return Refused.one("not_found", "Not found, or you do not have access to it.", field, 404)


def _lock(officer: Person) -> None:
    # One writer per officer at a time, as for sessions.
    Person.objects.select_for_update().filter(pk=officer.pk).first()


# --- Cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    case: Case
    created: bool  # a new case (otherwise an existing one was updated, or nothing changed)
    already_imported: bool  # this very file was imported before: nothing changed
    summary: vics.VicsSummary


def _require_cases(by: Viewer | None, force: Force) -> None:
    if by is not None and (by.force_id != force.pk or not can(by, "cases.manage", force)):
        raise Refused.one(
            "access.denied", "Only a supervisor or the welfare lead manages cases.", None, 403
        )


def _case_seen(by: Viewer, case: Case, field: str = "case_id") -> None:
    # Another team's case is not found, never forbidden: its id confirms nothing.
    if not can(by, "cases.manage", by.person.force) or not (
        exposure_queries.cases_visible_to(by).filter(pk=case.pk).exists()
    ):
        raise _not_found(field)


def _case_managed(by: Viewer, case: Case) -> None:
    _case_seen(by, case)
    if not exposure_queries.manages_case(by, case):
        raise Refused.one(
            "case.other_team",
            f"Case {case.case_ref} is shared with you, but it belongs to another team: its "
            "own supervisors or the welfare lead close it.",
            "case_id",
            403,
        )


def _import_team(by: Viewer | None, force: Force, team: Team | None) -> Team | None:
    """The team a newly imported case belongs to: the importing supervisor's (the one named,
    if they supervise it), else the one the welfare lead or an operator names, else none."""
    if team is not None and team.force_id != force.pk:
        raise _not_found("team")
    if by is not None and by.role == Role.SUPERVISOR:
        teams = team_ids_of(by.person, Role.SUPERVISOR)
        if team is not None and team.pk in teams:
            return team
        return Team.objects.filter(pk=teams[0]).first() if teams else None
    return team


def _file_refusal(case_ref: str) -> Refused:
    return Refused.one(
        "case.other_team",
        f"Case {case_ref} belongs to another team: ask the welfare lead to share it with you.",
        "case_ref",
        409,
    )


def case_import(
    *,
    by: Viewer | None,
    force: Force,
    stream: BinaryIO,
    case_ref: str = "",
    team: Team | None = None,
) -> ImportOutcome:
    """Import a grading-tool export (VICS / Project VIC JSON) streamed from ``stream``.

    Only the counts per mapped category and media kind are kept, with the case reference
    (given, or the one case number the file names) and the file's own SHA-256. The same file
    again changes nothing; a newer export of the same case replaces its volumes. An unreadable
    file, an unmapped category code or a file over ``WELLGATE_MAX_UPLOAD_BYTES`` stores
    nothing. ``by=None`` is an operator on the server (``wellgate import-vics``).

    A new case belongs to the importing supervisor's team (``team`` chooses among theirs);
    for the welfare lead or an operator, to ``team`` (none: the force's own). A case or file
    of another team is refused (409), so that an import never changes what they hold.
    """
    _require_cases(by, force)
    owner = _import_team(by, force, team)
    case_ref = case_ref.strip()
    if len(case_ref) > CASE_REF_MAX:
        raise Refused.one(
            "case.ref_too_long",
            f"The case reference is longer than {CASE_REF_MAX} characters.",
            "case_ref",
        )
    policy = policy_queries.current(force.pk)
    # Read before any transaction opens: a multi-gigabyte file takes minutes, and no lock
    # may be held meanwhile. Nothing is written unless the whole file was read.
    try:
        summary = vics.read_vics(
            stream, policy.category_mapping, max_bytes=settings.WELLGATE_MAX_UPLOAD_BYTES
        )
    except vics.VicsError as exc:
        # The parse error (with its byte offset and unmapped codes) stays as the cause.
        raise Refused.one(exc.code, exc.message, "file") from exc
    except ValueError as exc:
        raise Refused.one(
            "vics.mapping_invalid",
            f"The force's category mapping is not usable: {exc} Ask the welfare lead or an "
            "administrator to correct it in the policy.",
            "category_mapping",
        ) from None
    if not case_ref:
        if len(summary.case_numbers) == 1:
            case_ref = summary.case_numbers[0][:CASE_REF_MAX]
        elif not summary.case_numbers:
            raise Refused.one(
                "case.ref_missing",
                "The file does not name its case: give the case reference.",
                "case_ref",
            )
        else:
            raise Refused.one(
                "case.ref_ambiguous",
                f"The file holds {len(summary.case_numbers)} cases "
                f"({', '.join(summary.case_numbers[:5])}): give the reference to file it under.",
                "case_ref",
            )
    return _store_import(by=by, force=force, summary=summary, case_ref=case_ref, team=owner)


def _earlier(by: Viewer | None, force: Force, summary: vics.VicsSummary) -> Case | None:
    """The case this very file was imported into before, if the importer may see it."""
    earlier = (
        CaseImport.objects.filter(force=force, sha256=summary.sha256).select_related("case").first()
    )
    if earlier is None:
        return None
    if (
        by is not None
        and not exposure_queries.cases_visible_to(by).filter(pk=earlier.case_id).exists()
    ):
        raise _file_refusal(earlier.case.case_ref)
    return earlier.case


@transaction.atomic
def _store_import(
    *,
    by: Viewer | None,
    force: Force,
    summary: vics.VicsSummary,
    case_ref: str,
    team: Team | None,
) -> ImportOutcome:
    earlier = _earlier(by, force, summary)
    if earlier is not None:
        return ImportOutcome(earlier, False, True, summary)
    try:
        with transaction.atomic():  # a savepoint: a concurrent import must not spoil ours
            case, created = _write_case(
                by=by, force=force, summary=summary, case_ref=case_ref, team=team
            )
    except IntegrityError:
        earlier = _earlier(by, force, summary)
        if earlier is not None:  # the same file, imported by someone else at the same moment
            return ImportOutcome(earlier, False, True, summary)
        raise Refused.one(
            "case.concurrent",
            f"Another export of case {case_ref} was imported at the same moment: import this "
            "file again.",
            "file",
            409,
        ) from None
    return ImportOutcome(case, created, False, summary)


def _write_case(
    *,
    by: Viewer | None,
    force: Force,
    summary: vics.VicsSummary,
    case_ref: str,
    team: Team | None,
) -> tuple[Case, bool]:
    now = clock.now()
    person = by.person if by else None
    case = Case.objects.select_for_update().filter(force=force, case_ref=case_ref).first()
    created = case is None
    if case is None:
        case = Case(force=force, case_ref=case_ref, team=team)
    elif by is not None and not exposure_queries.manages_case(by, case):
        raise _file_refusal(case_ref)
    elif not case.is_open:
        raise Refused.one(
            "case.closed",
            f"Case {case_ref} is closed; an export cannot be added to it.",
            "case_ref",
        )
    case.vics_version = summary.version
    case.scope = summary.scope
    case.total_items = summary.total_items
    case.ignored_items = summary.ignored_items
    case.sha256 = summary.sha256
    case.imported_at = now
    case.imported_by = person
    case.save()
    # A newer export of the case holds all of it: its counts replace, never add to, the old.
    CaseVolume.objects.filter(case=case).delete()
    CaseVolume.objects.bulk_create(
        CaseVolume(case=case, category=category, kind=kind, count=n)
        for (category, kind), n in summary.counts.items()
    )
    CaseImport.objects.create(
        force=force,
        case=case,
        sha256=summary.sha256,
        bytes_read=summary.bytes_read,
        total_items=summary.total_items,
        imported_at=now,
        imported_by=person,
    )
    return case, created


def officers_who_worked_on(case: Case) -> list[Person]:
    """Officers with a session logged on the case, or a work package of it."""
    ids = set(
        ExposureSession.objects.filter(Q(case=case) | Q(work_package__case=case)).values_list(
            "officer_id", flat=True
        )
    ) | set(
        WorkPackageAssignment.objects.filter(package__case=case).values_list(
            "officer_id", flat=True
        )
    )
    return list(Person.objects.filter(pk__in=ids).order_by("full_name"))


@transaction.atomic
def case_close(*, by: Viewer, case: Case) -> list[Person]:
    """Close the case: everyone who worked on it gets a debrief to hear the outcome.

    Returns those officers (all of them: the caller shows only those the closer may see).
    """
    _case_managed(by, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise Refused.one("case.closed", f"Case {case.case_ref} is already closed.")
    case.closed_at = clock.now()
    case.closed_by = by.person
    case.save(update_fields=["closed_at", "closed_by"])
    officers = officers_who_worked_on(case)
    support_services.case_closed(officers=officers, case_ref=case.case_ref, by=by)
    return officers


@transaction.atomic
def case_share(*, by: Viewer, case: Case, shared: bool) -> Case:
    """The welfare lead shares the case with every team of the force (or stops sharing it).

    A supervisor of another team then sees the case and may give its packages to their own
    reports; they still see only their own team's officers on it, and never close it.
    """
    if case.force_id != by.force_id:
        raise _not_found("case_id")
    if not can(by, "force.welfare", by.person.force):
        raise Refused.one(
            "access.denied", "Only the welfare lead shares a case with every team.", None, 403
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.shared == shared:
        return case
    case.shared = shared
    case.shared_at = clock.now() if shared else None
    case.shared_by = by.person if shared else None
    case.save(update_fields=["shared", "shared_at", "shared_by"])
    return case


# --- Work packages ---------------------------------------------------------------------------


@transaction.atomic
def work_package_create(
    *, by: Viewer, case: Case, category: str, kinds: Sequence[str] = ()
) -> WorkPackage:
    """ "Review the <category> items of case X" for the media ``kinds`` (default: all it has).

    The same package asked for twice is the one already made. Whoever may open the case (a
    shared one too) may make a package of it.
    """
    _case_seen(by, case)
    if not case.is_open:
        raise Refused.one("package.case_closed", f"Case {case.case_ref} is closed.", "case_id")
    problems = []
    if category not in rules.COUNT_KEYS:
        problems.append(
            Detail(
                "package.category_unknown",
                f"“{category}” is not a category; use one of {', '.join(rules.COUNT_KEYS)}.",
                "category",
            )
        )
    unknown = [k for k in kinds if k not in vics.KINDS]
    if unknown:
        problems.append(
            Detail(
                "package.kinds_unknown",
                f"Unknown media kinds {', '.join(unknown)}; use {', '.join(vics.KINDS)}.",
                "kinds",
            )
        )
    if problems:
        raise Refused(problems)
    volume = dict(
        CaseVolume.objects.filter(case=case, category=category).values_list("kind", "count")
    )
    chosen = [k for k in vics.KINDS if (k in kinds if kinds else volume.get(k, 0) > 0)]
    items = sum(volume.get(k, 0) for k in chosen)
    if items == 0:
        what = rules.describe_category(category)
        raise Refused.one(
            "package.empty",
            f"Case {case.case_ref} holds no items {what}"
            f"{' of those media kinds' if kinds else ''}: choose a category it has.",
            "category",
        )
    existing = next(
        (
            p
            for p in WorkPackage.objects.filter(case=case, category=category)
            if sorted(p.kinds) == sorted(chosen)
        ),
        None,
    )
    if existing is not None:
        return existing
    return WorkPackage.objects.create(
        force_id=case.force_id,
        case=case,
        category=category,
        kinds=chosen,
        item_count=items,
        created_at=clock.now(),
        created_by=by.person,
    )


@transaction.atomic
def work_package_assign(
    *, by: Viewer, package: WorkPackage, officer: Person
) -> WorkPackageAssignment:
    """Give the package to an officer, unless it is above their clearance now (refused with
    the reason: uncategorised and ungraded items need Category A)."""
    _case_seen(by, package.case, "package_id")
    # Only an officer one looks after: a supervisor's own reports, the welfare lead's force.
    if officer.force_id != by.force_id or not can(by, "pathway.view", officer):
        raise _not_found("officer_id")
    if not package.case.is_open:
        raise Refused.one(
            "package.case_closed", f"Case {package.case.case_ref} is closed.", "package_id"
        )
    _lock(officer)
    held = pathway_queries.clearance(officer)
    reasons = rules.work_package_check(
        package.category, package.kinds, held.max_category, held.media
    )
    if reasons:
        raise Refused(
            [Detail(r.code, f"{officer.full_name}: {r.message}", "officer_id") for r in reasons]
        )
    assignment, created = WorkPackageAssignment.objects.get_or_create(
        package=package,
        officer=officer,
        defaults={"assigned_by": by.person, "assigned_at": clock.now()},
    )
    if created:
        enqueue(
            recipient=officer,
            kind="exposure.package",
            dedup_key=f"exposure.package:{assignment.pk}",
            title=f"New work package: case {package.case.case_ref}, "
            f"{rules.describe_category(package.category)} items",
            body="Check the before-you-start panel, and log your sessions against it.",
            link=reverse("exposure_log", args=[officer.pk]),
        )
    return assignment
