"""Case imports (the samples, bad files, the same file twice, a long file), closing cases,
and work packages against the officer's clearance."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.exposure.helpers import (
    DATA,
    UK_TEST,
    item,
    make_case,
    make_package,
    use_mapping,
    vics_bytes,
    walk_to,
)
from tests.factories import World, make_person, viewer
from wellgate.errors import Refused
from wellgate.exposure import services
from wellgate.exposure.models import (
    Case,
    CaseImport,
    CaseVolume,
    WorkPackage,
    WorkPackageAssignment,
)
from wellgate.notify.models import OutboxMessage
from wellgate.people.models import Role
from wellgate.support.models import Obligation

# The samples' README, mapped: (category, kind) -> count.
US_CASE_V2 = {
    ("indecent_ungraded", "image"): 25,
    ("indecent_ungraded", "video"): 4,
    ("not_indecent", "image"): 8,
    ("uncategorised", "image"): 7,
}
US_CASE_V13 = {
    ("indecent_ungraded", "image"): 23,
    ("indecent_ungraded", "video"): 1,
    ("not_indecent", "image"): 7,
    ("uncategorised", "image"): 9,
}
US_MEDIA_UK_FILE = {
    ("indecent_ungraded", "image"): 26,
    ("indecent_ungraded", "video"): 3,
    ("uncategorised", "image"): 10,
    ("uncategorised", "video"): 1,
}
UK_MEDIA_UK_FILE = {
    ("A", "image"): 12,
    ("A", "video"): 2,
    ("B", "image"): 4,
    ("B", "video"): 1,
    ("C", "image"): 10,
    ("not_indecent", "image"): 10,
    ("uncategorised", "image"): 10,
    ("uncategorised", "video"): 1,
}


def sup(world: World):  # type: ignore[no-untyped-def]
    return viewer(world.supervisor, Role.SUPERVISOR)


def import_file(
    world: World, path: Path, case_ref: str = "", by: Any = None
) -> services.ImportOutcome:
    with path.open("rb") as f:
        return services.case_import(
            by=by or sup(world), force=world.force, stream=f, case_ref=case_ref
        )


def import_bytes(world: World, data: bytes, case_ref: str = "") -> services.ImportOutcome:
    return services.case_import(
        by=sup(world), force=world.force, stream=io.BytesIO(data), case_ref=case_ref
    )


def volumes(case: Case) -> dict[tuple[str, str], int]:
    return {(v.category, v.kind): v.count for v in CaseVolume.objects.filter(case=case)}


def stored() -> tuple[int, int, int]:
    return Case.objects.count(), CaseVolume.objects.count(), CaseImport.objects.count()


# --- The samples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, ref, expected, ignored",
    [
        ("case-v2-us.json", "OP-0011", US_CASE_V2, 16),
        ("case-v1.3.json", None, US_CASE_V13, 0),
        ("media-v2-uk-bom.json", "UK-1", US_MEDIA_UK_FILE, 10),
    ],
)
def test_the_samples_import_with_the_readme_counts_under_the_us_profile(
    world: World, name: str, ref: str | None, expected: dict, ignored: int
):
    outcome = import_file(world, DATA / name, case_ref="" if ref == "OP-0011" else (ref or "V13"))
    case = outcome.case
    assert outcome.created and not outcome.already_imported
    assert volumes(case) == expected
    assert case.total_items == sum(expected.values()) and case.ignored_items == ignored
    assert case.case_ref == (ref or "V13") and len(case.sha256) == 64


def test_the_uk_sample_imports_with_the_readme_counts_under_the_uk_test_mapping(world: World):
    use_mapping(world.force, UK_TEST)
    case = import_file(world, DATA / "media-v2-uk-bom.json", case_ref="UK-1").case
    assert volumes(case) == UK_MEDIA_UK_FILE
    assert (case.vics_version, case.scope, case.total_items) == ("2.0", "Media", 50)


def test_the_case_number_comes_from_the_file_when_it_names_one(world: World):
    case = import_file(world, DATA / "case-v2-us.json").case
    assert case.case_ref == "OP-0011" and case.scope == "Cases"


def test_a_bare_media_list_needs_a_case_reference(world: World):
    with pytest.raises(Refused) as caught:
        import_file(world, DATA / "media-v2-uk-bom.json")
    assert caught.value.codes == ["case.ref_missing"] and stored() == (0, 0, 0)


# --- Nothing stored on failure -------------------------------------------------------------


def test_an_unmapped_code_stops_the_import_listing_the_codes_and_stores_nothing(world: World):
    use_mapping(world.force, UK_TEST)
    with pytest.raises(Refused) as caught:
        import_file(world, DATA / "case-v2-us.json")
    exc = caught.value
    assert exc.codes == ["vics.unmapped_codes"] and exc.__cause__.codes == ("0",)
    assert "code 0" in exc.details[0].message and exc.details[0].field == "file"
    assert stored() == (0, 0, 0)


def test_an_unconfirmed_uk_profile_stops_every_import_until_the_force_maps_its_codes(world: World):
    use_mapping(world.force, {}, profile="uk_unconfirmed")
    with pytest.raises(Refused) as caught:
        import_file(world, DATA / "media-v2-uk-bom.json", case_ref="UK-1")
    assert caught.value.__cause__.codes == ("1", "2", "3", "4") and stored() == (0, 0, 0)


@pytest.mark.parametrize(
    "data, code",
    [
        (vics_bytes([item(1), item(2)])[:-30], "vics.truncated"),
        (b"Case OP-1, 40 images", "vics.not_json"),
        (vics_bytes([item(1)]).replace(b"[{", b"[}", 1), "vics.not_json"),
        (json.dumps([1, 2, 3]).encode(), "vics.wrong_shape"),
        (json.dumps({"value": []}).encode(), "vics.wrong_shape"),
        (b"", "vics.not_json"),
    ],
)
def test_a_bad_file_is_refused_with_its_code_and_stores_nothing(
    world: World, data: bytes, code: str
):
    with pytest.raises(Refused) as caught:
        import_bytes(world, data, case_ref="BAD-1")
    assert caught.value.codes == [code] and stored() == (0, 0, 0)


def test_a_damaged_file_names_the_byte_offset(world: World):
    good = vics_bytes([item(1), item(2)])
    broken = good.replace(b'"Category": 2', b'"Category": 2,,', 1)
    with pytest.raises(Refused) as caught:
        import_bytes(world, broken)
    exc = caught.value
    assert exc.__cause__.offset == good.index(b'"Category": 2') + len('"Category": 2,')
    assert f"at byte {exc.__cause__.offset:,}" in exc.details[0].message


def test_a_file_over_the_size_limit_is_refused(world: World, settings: Any):
    settings.WELLGATE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(Refused) as caught:
        import_bytes(world, vics_bytes([item(1)] * 10))
    assert caught.value.codes == ["vics.too_large"] and stored() == (0, 0, 0)


def _write_big_export(path: Path, size: int, last: Any) -> int:
    """A #Media export of about ``size`` bytes, written streaming; the last item's Category is
    ``last``. Returns the number of items."""
    head = (
        b'{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/'
        b'UK/$metadata#Media", "value": ['
    )
    one = json.dumps(
        {
            "MediaID": 1,
            "Category": 1,
            "MD5": "0" * 32,
            "SHA1": "0" * 40,
            "MimeType": "image/jpeg",
            "MediaFiles": [{"FileName": "item.jpg", "FilePath": "\\\\Export\\\\item.jpg"}],
        }
    ).encode()
    n = 0
    with path.open("wb") as f:
        f.write(head)
        chunk = b",".join([one] * 1000)
        while f.tell() < size:
            f.write(chunk + b",")
            n += 1000
        f.write(json.dumps({"Category": last, "MimeType": "image/png"}).encode() + b"]}")
    return n + 1


def test_a_long_export_with_an_unmapped_code_at_its_very_end_stores_nothing(
    world: World, tmp_path: Path
):
    # Some sixty of the reader's 64 KB chunks: counts of every earlier one are held back too.
    # Files of hundreds of megabytes are bench/vics_import.py's.
    use_mapping(world.force, UK_TEST)
    path = tmp_path / "big.json"
    _write_big_export(path, 4 * 1024 * 1024, last=9)
    assert path.stat().st_size > 4 * 1024 * 1024
    with pytest.raises(Refused) as caught:
        import_file(world, path, case_ref="BIG-1")
    assert caught.value.__cause__.codes == ("9",) and stored() == (0, 0, 0)


# --- The same file twice, a newer export ----------------------------------------------------


def test_importing_the_same_file_twice_doubles_nothing(world: World):
    first = import_file(world, DATA / "case-v2-us.json")
    again = import_file(world, DATA / "case-v2-us.json")
    assert again.already_imported and not again.created and again.case == first.case
    assert volumes(first.case) == US_CASE_V2 and stored() == (1, 4, 1)
    # Under another reference too: the file is the same file.
    other = import_file(world, DATA / "case-v2-us.json", case_ref="SOMETHING-ELSE")
    assert other.already_imported and Case.objects.count() == 1


def test_a_newer_export_of_the_same_case_replaces_its_counts(world: World):
    import_bytes(world, vics_bytes([item(1)] * 3))
    outcome = import_bytes(world, vics_bytes([item(1)] * 5 + [item(0)]))
    assert not outcome.created and not outcome.already_imported
    assert volumes(outcome.case) == {
        ("indecent_ungraded", "image"): 5,
        ("not_indecent", "image"): 1,
    }
    assert stored() == (1, 2, 2)


def test_the_same_file_in_two_forces_is_two_cases(world: World):
    import_file(world, DATA / "case-v2-us.json")
    services.case_import(
        by=viewer(world.foreign_welfare_lead),
        force=world.other_force,
        stream=(DATA / "case-v2-us.json").open("rb"),
    )
    assert Case.objects.count() == 2


@pytest.mark.parametrize("who", ["officer", "mentor", "senior_leader", "administrator"])
def test_only_supervisors_and_the_welfare_lead_import(world: World, who: str):
    with pytest.raises(Refused) as caught:
        import_file(world, DATA / "case-v2-us.json", by=viewer(getattr(world, who)))
    assert caught.value.status == 403 and stored() == (0, 0, 0)


def test_the_welfare_lead_imports_too(world: World):
    assert import_file(world, DATA / "case-v2-us.json", by=viewer(world.welfare_lead)).created


# --- Closing a case -------------------------------------------------------------------------


def test_closing_a_case_gives_everyone_who_worked_on_it_a_debrief(world: World):
    walk_to(world, "independent", days_ago=90)
    case = make_case(world.force)
    package = make_package(case, "C")
    services.work_package_assign(by=sup(world), package=package, officer=world.officer)
    officers = services.case_close(by=sup(world), case=case)
    assert officers == [world.officer]
    debrief = Obligation.objects.get(officer=world.officer, kind="debrief")
    assert debrief.source_ref == f"case:{case.case_ref}"
    case.refresh_from_db()
    assert case.closed_at is not None and case.closed_by == world.supervisor
    with pytest.raises(Refused) as caught:
        services.case_close(by=sup(world), case=case)
    assert caught.value.codes == ["case.closed"]
    with pytest.raises(Refused) as caught:
        services.work_package_create(by=sup(world), case=case, category="B")
    assert caught.value.codes == ["package.case_closed"]


def test_a_closed_case_takes_no_new_export(world: World):
    case = import_bytes(world, vics_bytes([item(1)])).case
    services.case_close(by=sup(world), case=case)
    with pytest.raises(Refused) as caught:
        import_bytes(world, vics_bytes([item(1), item(1)]))
    assert caught.value.codes == ["case.closed"] and CaseImport.objects.count() == 1


# --- Work packages --------------------------------------------------------------------------


def test_a_package_takes_the_case_volume_of_its_category_and_is_made_once(world: World):
    case = make_case(world.force, {("C", "image"): 40, ("C", "video"): 2, ("B", "image"): 5})
    package = services.work_package_create(by=sup(world), case=case, category="C")
    assert (package.kinds, package.item_count) == (["image", "video"], 42)
    images = services.work_package_create(by=sup(world), case=case, category="C", kinds=["image"])
    assert (images.kinds, images.item_count) == (["image"], 40)
    assert services.work_package_create(by=sup(world), case=case, category="C") == package
    assert WorkPackage.objects.count() == 2


@pytest.mark.parametrize(
    "category, kinds, code",
    [
        ("A", [], "package.empty"),
        ("D", [], "package.category_unknown"),
        ("C", ["hologram"], "package.kinds_unknown"),
        ("C", ["audio"], "package.empty"),
    ],
)
def test_a_package_that_makes_no_sense_is_refused(world: World, category, kinds, code):
    case = make_case(world.force, {("C", "image"): 40})
    with pytest.raises(Refused) as caught:
        services.work_package_create(by=sup(world), case=case, category=category, kinds=kinds)
    assert caught.value.codes == [code] and not WorkPackage.objects.exists()


def test_a_category_c_package_is_assigned_to_a_category_c_officer_who_is_told(world: World):
    walk_to(world, "cat_c")
    package = make_package(make_case(world.force), "C")
    assignment = services.work_package_assign(by=sup(world), package=package, officer=world.officer)
    assert assignment.officer == world.officer and assignment.assigned_by == world.supervisor
    assert OutboxMessage.objects.filter(recipient=world.officer, kind="exposure.package").exists()
    again = services.work_package_assign(by=sup(world), package=package, officer=world.officer)
    assert again == assignment and WorkPackageAssignment.objects.count() == 1


@pytest.mark.parametrize(
    "stage, category, kinds, code",
    [
        ("cat_c", "A", ["image"], "package.above_category"),
        ("cat_c", "B", ["image"], "package.above_category"),
        ("cat_c", "C", ["video"], "package.media_not_cleared"),
        ("cat_b", "uncategorised", ["image"], "package.above_category"),
        ("cat_b", "indecent_ungraded", ["image"], "package.above_category"),
        ("induction", "C", ["image"], "package.no_clearance"),
    ],
)
def test_a_package_above_the_officers_clearance_is_refused_with_the_reason(
    world: World, stage: str, category: str, kinds: list[str], code: str
):
    walk_to(world, stage, days_ago=80)
    case = make_case(world.force, {(category, kinds[0]): 5})
    package = make_package(case, category, kinds)
    with pytest.raises(Refused) as caught:
        services.work_package_assign(by=sup(world), package=package, officer=world.officer)
    exc = caught.value
    assert code in exc.codes and exc.details[0].field == "officer_id"
    assert exc.details[0].message.startswith("Olive Officer: ")
    assert not WorkPackageAssignment.objects.exists()


def test_uncategorised_items_need_category_a(world: World):
    walk_to(world, "cat_a", days_ago=80)
    case = make_case(world.force, {("uncategorised", "image"): 5})
    package = make_package(case, "uncategorised", ["image"])
    assert services.work_package_assign(by=sup(world), package=package, officer=world.officer)


def test_a_paused_officer_is_given_no_package(world: World):
    walk = walk_to(world, "cat_c")
    walk.record(walk.me, "paused")
    package = make_package(make_case(world.force), "C")
    with pytest.raises(Refused) as caught:
        services.work_package_assign(by=sup(world), package=package, officer=world.officer)
    assert caught.value.codes == ["package.no_clearance"]


def test_a_supervisor_assigns_only_to_their_own_reports(world: World):
    walk_to(world, "cat_c")
    package = make_package(make_case(world.force), "C")
    stranger = make_person(world.force, Role.OFFICER)
    for officer in (stranger, world.other_officer, world.foreign_officer):
        with pytest.raises(Refused) as caught:
            services.work_package_assign(by=sup(world), package=package, officer=officer)
        assert caught.value.status == 404
