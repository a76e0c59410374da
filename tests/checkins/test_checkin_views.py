"""Check-in pages: told who sees it first, the form, the result, my check-ins, the welfare lead."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.checkins.helpers import lowest, summing_to
from tests.factories import World, login, make_checkin
from wellgate.checkins.models import CheckIn, CheckInSkip, ConversationNudge
from wellgate.flags.models import Flag
from wellgate.people.models import AccessLogEntry, Role


@pytest.fixture
def officer(world: World) -> Client:
    return login(Client(), world.officer, Role.OFFICER)


@pytest.fixture
def welfare(world: World) -> Client:
    return login(Client(), world.welfare_lead, Role.WELFARE_LEAD)


def form_data(answers: dict[str, int], share: str = "yes") -> dict[str, str]:
    return {"share": share, **{k: str(v) for k, v in answers.items()}}


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# Before starting ---------------------------------------------------------------------------


def test_the_officer_is_told_who_will_see_the_result_before_starting(officer: Client):
    page = text(officer.get("/checkins/take/phq9/"))
    told = page.index("Before you start: who will see this")
    assert told < page.index('name="phq9_1"')
    assert "Wyn Welfare" in page  # the welfare lead, by name
    assert "only if you share them" in page
    assert "the welfare lead is told at once" in page
    assert "question 9" in page and "anything but “Not at all”" in page
    assert (
        "Your supervisor (Sid Supervisor), your mentor, senior leaders and administrators never see"
        in page
    )


def test_the_check_in_page_lists_what_is_due_and_every_questionnaire(officer: Client):
    page = text(officer.get("/checkins/"))
    assert "Your pulse check-in" in page and "Your regular check-in" in page
    for title in ("Wellgate pulse", "PHQ-9", "GAD-7", "PCL-5", "ProQOL 5", "WHO-5"):
        assert title in page
    assert "Before you start: who will see this" in page


def test_every_form_shows_its_attribution_and_licence(officer: Client):
    page = text(officer.get("/checkins/take/proqol5/"))
    assert (
        "B. Hudnall Stamm, 2009-2012. Professional Quality of Life: Compassion Satisfaction and Fatigue Version 5 (ProQOL). www.proqol.org"
        in page
    )
    assert "Center for Victims of Torture" in page
    assert "as an investigator" in page  # "[helper]" reads "investigator"
    assert "PTSD Checklist for DSM-5" in text(officer.get("/checkins/take/pcl5/"))


def test_the_form_is_one_fieldset_and_radio_group_per_question(officer: Client):
    page = text(officer.get("/checkins/take/gad7/"))
    assert page.count('<fieldset class="question') == 7 + 1  # seven questions and the choice
    assert page.count('type="radio" name="gad7_1"') == 4
    assert "<script" not in page.split("</head>")[1]  # nothing inline: the CSP forbids it


def test_an_unknown_check_in_is_not_found(officer: Client):
    assert officer.get("/checkins/take/bdi2/").status_code == 404


# Submitting --------------------------------------------------------------------------------


def test_a_check_in_sent_from_the_form_shows_its_result_in_plain_words(
    officer: Client, world: World
):
    response = officer.post("/checkins/take/phq9/", form_data(summing_to("phq9", 12)))
    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/checkins/results/{checkin.pk}/"
    page = text(officer.get(response["Location"]))
    assert "Your PHQ-9 result" in page
    assert "Your score is <strong>12</strong> on a scale from 0 to 27." in page
    assert "Moderate" in page
    assert "You shared it with the welfare lead." in page
    assert "Ask Sid Supervisor for a conversation" in page


def test_a_critical_answer_shows_support_and_crisis_contacts_at_once(officer: Client, world: World):
    response = officer.post(
        "/checkins/take/phq9/", form_data(summing_to("phq9", 5, phq9_9=1)), follow=True
    )
    page = text(response)
    assert page.index("Support is here for you now") < page.index("Your PHQ-9 result")
    assert "Samaritans (24 hours, free)" in page and "116 123" in page
    assert "call 999" in page
    assert "Your supervisor has not been told." in page
    assert Flag.objects.get().severity == "red"


def test_keeping_a_check_in_private_is_respected(officer: Client):
    officer.post("/checkins/take/gad7/", form_data(lowest("gad7"), share="no"))
    assert CheckIn.objects.get().shared_with_welfare_lead is False


def test_missing_answers_return_400_naming_each_question_and_store_nothing(officer: Client):
    answers = lowest("phq9")
    del answers["phq9_4"]
    response = officer.post("/checkins/take/phq9/", form_data(answers))
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_phq9_4_0">Choose an answer to question 4, or skip this check-in.' in page
    assert not CheckIn.objects.exists()


def test_an_impossible_answer_returns_400_naming_the_question(officer: Client):
    response = officer.post("/checkins/take/phq9/", form_data({**lowest("phq9"), "phq9_2": 7}))
    assert response.status_code == 400
    assert 'href="#id_phq9_2_0">Choose one of the answers shown.' in text(response)
    assert not CheckIn.objects.exists()


def test_the_sharing_choice_must_be_made(officer: Client):
    response = officer.post("/checkins/take/gad7/", dict.fromkeys(lowest("gad7"), "0"))
    assert response.status_code == 400
    assert "Choose whether to share this check-in with the welfare lead." in text(response)
    assert not CheckIn.objects.exists()


def test_a_result_is_only_for_its_own_officer(world: World, officer: Client):
    other = make_checkin(world.other_officer)
    assert officer.get(f"/checkins/results/{other.pk}/").status_code == 404


# Skipping and nudging ----------------------------------------------------------------------


def test_skipping_is_one_click_and_never_a_concern(officer: Client, world: World):
    response = officer.post("/checkins/skip/", {"instrument": ["pulse"]}, follow=True)
    assert "Skipped. That is completely fine" in text(response)
    assert CheckInSkip.objects.get().instrument_id == "pulse"
    assert not Flag.objects.exists()
    assert "Your pulse check-in" not in text(officer.get("/checkins/"))


def test_skipping_every_due_check_in_of_a_group_at_once(officer: Client):
    officer.post("/checkins/skip/", {"instrument": ["phq9", "gad7", "pcl5", "proqol5"]})
    assert CheckInSkip.objects.count() == 4
    assert "Your regular check-in" not in text(officer.get("/checkins/"))


def test_skipping_nothing_says_what_to_do(officer: Client):
    response = officer.post("/checkins/skip/", {}, follow=True)
    assert "Say which check-in you are skipping." in text(response)


def test_an_officer_asks_their_supervisor_for_a_conversation(officer: Client, world: World):
    page = text(officer.get("/checkins/nudge/"))
    assert "That is all it says" in page
    response = officer.post("/checkins/nudge/", follow=True)
    assert "Sid Supervisor knows you would like a conversation" in text(response)
    assert ConversationNudge.objects.get().supervisor == world.supervisor


# My check-ins and the trend ----------------------------------------------------------------


def test_my_check_ins_draw_a_trend_chart_with_a_table_beside_it(officer: Client, world: World):
    for total in (3, 8, 12):
        make_checkin(world.officer, "phq9", summing_to("phq9", total))
    make_checkin(world.officer, "proqol5", lowest("proqol5"))
    page = text(officer.get(f"/people/{world.officer.pk}/checkins/"))
    assert page.count('<svg class="trend-chart"') == 2
    assert '<title id="trend-1-title">PHQ-9 over time</title>' in page
    assert "3 check-ins from" in page and "Latest: Total 12 (Moderate)" in page
    assert "<polyline" in page
    assert "<caption>PHQ-9 results, oldest first</caption>" in page
    assert "Compassion satisfaction" in page and "Secondary traumatic stress" in page
    assert "Mild" in page and "Minimal" in page  # band labels drawn in words


def test_my_check_ins_list_skips_and_what_i_shared(officer: Client, world: World):
    make_checkin(world.officer, "gad7", lowest("gad7"), shared=False)
    officer.post("/checkins/skip/", {"instrument": ["pulse"]})
    page = text(officer.get(f"/people/{world.officer.pk}/checkins/"))
    assert "Shared with the welfare lead" in page
    assert "Skipped" in page and "Wellgate pulse" in page


def test_reading_my_own_check_ins_is_not_logged(officer: Client, world: World):
    make_checkin(world.officer, "pulse")
    officer.get(f"/people/{world.officer.pk}/checkins/")
    assert not AccessLogEntry.objects.exists()


# The welfare lead --------------------------------------------------------------------------


def test_the_welfare_lead_sees_only_shared_check_ins_and_the_read_is_logged(
    welfare: Client, world: World
):
    make_checkin(world.officer, "phq9", summing_to("phq9", 16))
    make_checkin(world.officer, "gad7", summing_to("gad7", 11), shared=False)
    page = text(welfare.get(f"/people/{world.officer.pk}/checkins/"))
    assert "PHQ-9" in page and "Moderately severe" in page
    assert "GAD-7" not in page
    entry = AccessLogEntry.objects.get()
    assert (entry.viewer, entry.subject, entry.what) == (
        world.welfare_lead,
        world.officer,
        "check-ins",
    )


def test_an_officer_who_shares_nothing_shows_the_welfare_lead_nothing(
    welfare: Client, world: World
):
    make_checkin(world.officer, "phq9", summing_to("phq9", 16), shared=False)
    page = text(welfare.get(f"/people/{world.officer.pk}/checkins/"))
    assert "has not shared any check-ins" in page and "Moderately severe" not in page


def test_the_welfare_lead_has_a_queue_of_check_in_flags_and_the_shared_list(
    welfare: Client, world: World
):
    make_checkin(world.officer, "phq9", summing_to("phq9", 4, phq9_9=1), shared=False)
    make_checkin(world.other_officer, "who5", lowest("who5"))
    page = text(welfare.get("/welfare/checkins/"))
    flag = Flag.objects.get()
    assert f'href="/flags/{flag.pk}/"' in page and "an answer needs urgent attention" in page
    assert "Otto Other" in page and "WHO-5" in page
    assert "Very low wellbeing" in page
    # The unshared check-in shows as a flag, never as scores.
    assert "Minimal" not in page and "Mild" not in page
    logged = set(AccessLogEntry.objects.values_list("subject__full_name", "what"))
    assert logged == {("Olive Officer", "check-ins list"), ("Otto Other", "check-ins list")}


def test_the_welfare_lead_cannot_open_the_officer_check_in_pages(welfare: Client, world: World):
    checkin = make_checkin(world.officer)
    assert welfare.get(f"/checkins/results/{checkin.pk}/").status_code == 403
    assert welfare.get("/checkins/take/pulse/").status_code == 403


def test_a_welfare_lead_of_another_force_sees_nothing(world: World):
    make_checkin(world.officer, "phq9", summing_to("phq9", 16))
    foreign = login(Client(), world.foreign_welfare_lead, Role.WELFARE_LEAD)
    assert foreign.get(f"/people/{world.officer.pk}/checkins/").status_code == 404
    assert "Olive Officer" not in text(foreign.get("/welfare/checkins/"))
