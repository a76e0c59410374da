from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellgate.checkins.instruments_loader import load_shipped
from wellgate.checkins.rules import (
    Change,
    Instrument,
    Score,
    changes,
    score,
)
from wellgate.errors import Refused

SHIPPED = load_shipped()
PHQ9, GAD7, PCL5, WHO5, PROQOL, PULSE = (
    SHIPPED[i] for i in ("phq9", "gad7", "pcl5", "who5", "proqol5", "pulse")
)


def every(instrument: Instrument, value: int) -> dict[str, int]:
    return {item.id: value for item in instrument.items}


def summing_to(instrument: Instrument, total: int) -> dict[str, int]:
    """Answers for an instrument without reversed items whose values add up to ``total``,
    filling items from the last one so that early items (and PHQ-9 item 9) stay low last."""
    answers = every(instrument, 0)
    left = total
    for item in reversed(instrument.items):
        answers[item.id] = min(left, max(item.values))
        left -= answers[item.id]
    assert left == 0
    return answers


def proqol(cs: int, burnout: int, sts: int) -> dict[str, int]:
    """ProQOL answers whose scored subscale sums are the given values (each 10-50).

    Builds the scored value of each item, then turns reversed burnout items back into the
    answer a person would give (scored 5 = answered "Never", 1).
    """
    targets = {"compassion_satisfaction": cs, "burnout": burnout, "secondary_traumatic_stress": sts}
    answers: dict[str, int] = {}
    for subscale, target in targets.items():
        items = [i for i in PROQOL.items if i.subscale == subscale]
        left = target - len(items)  # every item scores at least 1
        for item in items:
            scored = 1 + min(left, 4)
            left -= scored - 1
            answers[item.id] = 6 - scored if item.reversed else scored
    return answers


# All-zero and all-maximum answers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "lowest", "highest", "low_band", "high_band"),
    [
        (PHQ9, 0, 27, "minimal", "severe"),
        (GAD7, 0, 21, "minimal", "severe"),
        (PCL5, 0, 80, "below_cut_point", "at_or_above_cut_point"),
        (WHO5, 0, 100, "likely_depression", "good"),
    ],
    ids=lambda v: v.id if isinstance(v, Instrument) else None,
)
def test_lowest_and_highest_answers_score_the_ends_of_the_range(
    instrument, lowest, highest, low_band, high_band
):
    low = score(instrument, every(instrument, min(instrument.items[0].values)))
    high = score(instrument, every(instrument, max(instrument.items[0].values)))

    assert low.totals["total"] == lowest
    assert low.bands["total"].code == low_band
    assert high.totals["total"] == highest
    assert high.bands["total"].code == high_band


def test_pcl5_reports_each_cluster_beside_the_total():
    result = score(PCL5, every(PCL5, 4))

    assert result.totals == {
        "total": 80,
        "intrusion": 20,
        "avoidance": 8,
        "cognition_mood": 28,
        "arousal_reactivity": 24,
    }
    assert set(result.bands) == {"total"}


def test_all_never_and_all_very_often_on_proqol_leave_burnout_in_the_middle():
    # Burnout has five reversed items, so answering every item the same cancels out:
    # 5 items x 1 + 5 reversed items x (6 - 1) = 30, and the same for all "Very Often".
    never = score(PROQOL, every(PROQOL, 1))
    very_often = score(PROQOL, every(PROQOL, 5))

    assert never.totals == {
        "compassion_satisfaction": 10,
        "burnout": 30,
        "secondary_traumatic_stress": 10,
    }
    assert very_often.totals == {
        "compassion_satisfaction": 50,
        "burnout": 30,
        "secondary_traumatic_stress": 50,
    }
    assert "total" not in never.totals
    assert {k: b.code for k, b in never.bands.items()} == {
        "compassion_satisfaction": "low",
        "burnout": "moderate",
        "secondary_traumatic_stress": "low",
    }
    assert very_often.bands["secondary_traumatic_stress"].code == "high"


def test_all_zero_and_all_max_on_the_pulse_count_its_reversed_items():
    # energy and support are reversed: answering 0 ("Not at all") to them scores 3 each.
    zero = score(PULSE, every(PULSE, 0))
    top = score(PULSE, every(PULSE, 3))

    assert zero.totals["total"] == 6
    assert zero.bands["total"].code == "some_strain"
    assert not zero.critical
    assert top.totals["total"] == 9
    assert top.critical


# Band edges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(total, band):
    result = score(PHQ9, summing_to(PHQ9, total))

    assert result.totals["total"] == total
    assert result.bands["total"].code == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"), (15, "severe")],
)
def test_gad7_band_edges(total, band):
    result = score(GAD7, summing_to(GAD7, total))

    assert result.totals["total"] == total
    assert result.bands["total"].code == band


@pytest.mark.parametrize(
    ("total", "band"), [(32, "below_cut_point"), (33, "at_or_above_cut_point")]
)
def test_pcl5_band_edge_is_the_provisional_cut_point(total, band):
    result = score(PCL5, summing_to(PCL5, total))

    assert result.bands["total"].code == band


@pytest.mark.parametrize(
    ("raw", "percentage", "band"),
    [
        (7, 28, "likely_depression"),
        (8, 32, "low"),
        (12, 48, "low"),
        (13, 52, "good"),
        (25, 100, "good"),
    ],
)
def test_who5_is_the_raw_sum_times_four_as_a_percentage(raw, percentage, band):
    result = score(WHO5, summing_to(WHO5, raw))

    assert result.scoring_method == "percentage"
    assert result.totals["total"] == percentage
    assert result.bands["total"].code == band


def test_who5_worked_example():
    # 3 + 3 + 3 + 2 + 2 = 13 raw; 13 x 4 = 52 per cent, just above "low" (50 or less).
    answers = dict(zip((i.id for i in WHO5.items), (3, 3, 3, 2, 2), strict=True))

    result = score(WHO5, answers)

    assert result.totals == {"total": 52}


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # sleep, images, energy (reversed), support (reversed), harm
        ((1, 0, 3, 3, 0), 1, "steady"),
        ((2, 2, 3, 3, 0), 4, "steady"),
        ((2, 2, 2, 3, 0), 5, "some_strain"),
        ((3, 3, 1, 2, 0), 9, "some_strain"),
        ((3, 3, 1, 1, 0), 10, "high_strain"),
        ((3, 3, 0, 0, 3), 15, "high_strain"),
    ],
)
def test_pulse_band_edges(answers, total, band):
    ids = [i.id for i in PULSE.items]

    result = score(PULSE, dict(zip(ids, answers, strict=True)))

    assert result.totals["total"] == total
    assert result.bands["total"].code == band


@pytest.mark.parametrize(
    ("subscale", "value", "band"),
    [
        ("compassion_satisfaction", 22, "low"),
        ("compassion_satisfaction", 23, "moderate"),
        ("burnout", 22, "low"),
        ("burnout", 23, "moderate"),
        ("burnout", 41, "moderate"),
        ("burnout", 42, "high"),
        ("secondary_traumatic_stress", 41, "moderate"),
        ("secondary_traumatic_stress", 42, "high"),
    ],
)
def test_proqol_band_edges(subscale, value, band):
    sums = {"compassion_satisfaction": 30, "burnout": 30, "secondary_traumatic_stress": 30}
    sums[subscale] = value

    result = score(
        PROQOL,
        proqol(
            sums["compassion_satisfaction"], sums["burnout"], sums["secondary_traumatic_stress"]
        ),
    )

    assert result.totals[subscale] == value
    assert result.bands[subscale].code == band


# ProQOL reversed items, by hand ------------------------------------------------------------


def test_proqol_worked_example_reverses_burnout_items_1_4_15_17_29():
    answers = {f"proqol5_{n}": 3 for n in range(1, 31)}
    answers |= {
        "proqol5_1": 5,  # I am happy: Very Often, reversed -> 1
        "proqol5_4": 4,  # I feel connected to others: Often, reversed -> 2
        "proqol5_15": 2,  # I have beliefs that sustain me: Rarely, reversed -> 4
        "proqol5_29": 5,  # I am a very caring person: Very Often, reversed -> 1
        "proqol5_10": 5,  # I feel trapped by my job (burnout, not reversed) -> 5
        "proqol5_3": 5,  # satisfaction from helping (compassion satisfaction) -> 5
        "proqol5_2": 1,  # preoccupied with more than one person (STS) -> 1
    }
    # Burnout items 1*, 4*, 8, 10, 15*, 17*, 19, 21, 26, 29*:
    #   1 + 2 + 3 + 5 + 4 + 3 + 3 + 3 + 3 + 1 = 28 (unreversed it would be 36).
    # Compassion satisfaction 3, 6, 12, 16, 18, 20, 22, 24, 27, 30: 5 + 9 x 3 = 32.
    # Secondary traumatic stress 2, 5, 7, 9, 11, 13, 14, 23, 25, 28: 1 + 9 x 3 = 28.

    result = score(PROQOL, answers)

    assert result.totals == {
        "compassion_satisfaction": 32,
        "burnout": 28,
        "secondary_traumatic_stress": 28,
    }
    assert all(band.code == "moderate" for band in result.bands.values())
    assert not result.critical


def test_proqol_low_burnout_needs_the_reversed_items_answered_often():
    # Regular burnout items all "Never" (5 x 1) and reversed ones all "Very Often" (5 x 1).
    answers = every(PROQOL, 3)
    for item in PROQOL.items:
        if item.subscale == "burnout":
            answers[item.id] = 5 if item.reversed else 1

    result = score(PROQOL, answers)

    assert result.totals["burnout"] == 10
    assert result.bands["burnout"].code == "low"


# Critical answers --------------------------------------------------------------------------


def test_phq9_item_9_above_zero_is_critical_even_when_the_total_is_minimal():
    answers = every(PHQ9, 0) | {"phq9_9": 1}

    result = score(PHQ9, answers)

    assert result.critical
    assert result.critical_reasons == ("phq9.item_9",)
    assert result.bands["total"].code == "minimal"


def test_phq9_item_9_at_zero_is_not_critical_even_when_the_total_is_severe():
    answers = every(PHQ9, 3) | {"phq9_9": 0}

    result = score(PHQ9, answers)

    assert result.totals["total"] == 24
    assert result.bands["total"].code == "severe"
    assert not result.critical
    assert result.critical_reasons == ()


@pytest.mark.parametrize(("total", "critical"), [(32, False), (33, True)])
def test_pcl5_total_of_33_is_critical_and_32_is_not(total, critical):
    result = score(PCL5, summing_to(PCL5, total))

    assert result.totals["total"] == total
    assert result.critical is critical
    assert result.critical_reasons == (("pcl5.cut_point",) if critical else ())


@pytest.mark.parametrize(("answer", "critical"), [(0, False), (1, True), (3, True)])
def test_the_pulse_harm_question_is_critical_above_not_at_all(answer, critical):
    answers = every(PULSE, 0) | {"pulse_energy": 3, "pulse_support": 3, "pulse_harm": answer}

    result = score(PULSE, answers)

    assert result.critical is critical
    assert result.critical_reasons == (("pulse.harm_thoughts",) if critical else ())


def test_gad7_who5_and_proqol_have_no_critical_answers():
    for instrument in (GAD7, WHO5, PROQOL):
        for value in instrument.items[0].values:
            assert not score(instrument, every(instrument, value)).critical


def test_a_score_records_the_instrument_version_and_method_and_round_trips():
    result = score(PHQ9, every(PHQ9, 2))

    assert (result.instrument_id, result.instrument_version, result.scoring_method) == (
        "phq9",
        PHQ9.version,
        "sum",
    )
    assert Score.from_dict(result.to_dict()) == result


# Invalid answers ---------------------------------------------------------------------------


def problems(instrument: Instrument, answers: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(Refused) as caught:
        score(instrument, answers)  # type: ignore[arg-type]
    return [((d.field or "").removeprefix("answers."), d.message) for d in caught.value.details]


def test_a_missing_answer_names_the_item_and_the_choices():
    answers = every(PHQ9, 0)
    del answers["phq9_9"]

    (problem,) = problems(PHQ9, answers)

    assert problem[0] == "phq9_9"
    assert "question 9" in problem[1] and "Nearly every day" in problem[1]


@pytest.mark.parametrize("value", [4, -1, "2", None, True, 1.5])
def test_an_answer_that_is_not_one_of_the_options_names_the_item(value):
    answers: dict[str, object] = dict(every(GAD7, 1))
    answers["gad7_3"] = value

    (problem,) = problems(GAD7, answers)

    assert problem[0] == "gad7_3"
    assert "Question 3" in problem[1] and "choose 0 (Not at all)" in problem[1]


def test_zero_is_out_of_range_on_proqol():
    answers = every(PROQOL, 3) | {"proqol5_17": 0}

    assert [fld for fld, _ in problems(PROQOL, answers)] == ["proqol5_17"]


def test_an_unknown_item_is_named():
    answers = every(PHQ9, 0) | {"phq9_10": 1}

    (problem,) = problems(PHQ9, answers)

    assert problem[0] == "phq9_10"
    assert "remove it" in problem[1]


def test_every_answer_problem_is_named_at_once():
    answers: dict[str, object] = dict(every(PCL5, 0))
    del answers["pcl5_1"]
    answers["pcl5_20"] = 5
    answers["gad7_1"] = 0

    assert [fld for fld, _ in problems(PCL5, answers)] == ["pcl5_1", "pcl5_20", "gad7_1"]


# Change between check-ins ------------------------------------------------------------------


def pcl5_score(total: int) -> Score:
    return score(PCL5, summing_to(PCL5, total))


def test_a_first_check_in_has_no_changes():
    assert changes(PCL5, None, pcl5_score(60)) == []


@pytest.mark.parametrize(
    ("before", "after", "fires"),
    [(20, 30, True), (20, 29, False), (0, 80, True), (30, 20, False), (40, 40, False)],
)
def test_a_pcl5_rise_of_ten_or_more_is_a_change(before, after, fires):
    found = changes(PCL5, pcl5_score(before), pcl5_score(after))

    if fires:
        assert found == [
            Change(
                "checkin.pcl5_rise",
                f"PCL-5 total rose by {after - before} since the previous check-in, "
                f"from {before} to {after}.",
            )
        ]
    else:
        assert found == []


@pytest.mark.parametrize(
    ("instrument", "before", "after", "fires"),
    [
        (PHQ9, 9, 10, True),  # mild -> moderate
        (PHQ9, 0, 27, True),  # minimal -> severe
        (PHQ9, 5, 9, False),  # a rise inside "mild"
        (PHQ9, 10, 9, False),  # moderate -> mild is a fall
        (GAD7, 4, 5, True),  # minimal -> mild
        (GAD7, 14, 15, True),  # moderate -> severe
        (GAD7, 10, 14, False),
        (GAD7, 21, 0, False),
    ],
    ids=lambda v: v.id if isinstance(v, Instrument) else str(v),
)
def test_a_move_into_a_higher_phq9_or_gad7_band_is_a_change(instrument, before, after, fires):
    previous = score(instrument, summing_to(instrument, before))
    current = score(instrument, summing_to(instrument, after))

    found = changes(instrument, previous, current)

    assert [c.code for c in found] == (["checkin.band_rise"] if fires else [])
    if fires:
        assert previous.bands["total"].label in found[0].message
        assert current.bands["total"].label in found[0].message


def test_a_pcl5_crossing_the_cut_point_without_a_rise_of_ten_is_not_a_change():
    assert changes(PCL5, pcl5_score(30), pcl5_score(35)) == []


def test_instruments_without_change_rules_never_report_a_change():
    for instrument in (WHO5, PROQOL, PULSE):
        lowest = score(instrument, every(instrument, min(instrument.items[0].values)))
        highest = score(instrument, every(instrument, max(instrument.items[0].values)))
        assert changes(instrument, lowest, highest) == []
        assert changes(instrument, highest, lowest) == []


def test_scores_of_another_instrument_cannot_be_compared():
    with pytest.raises(ValueError):
        changes(PHQ9, score(GAD7, every(GAD7, 0)), score(PHQ9, every(PHQ9, 0)))


# Properties --------------------------------------------------------------------------------


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[Instrument, dict[str, int]]:
    instrument = draw(st.sampled_from(list(SHIPPED.values())))
    answers = {item.id: draw(st.sampled_from(item.values)) for item in instrument.items}
    return instrument, answers


@given(instrument_and_answers())
def test_every_possible_set_of_answers_lands_in_one_band_per_banded_total(case):
    instrument, answers = case

    result = score(instrument, answers)

    for key, bands in instrument.bands.items():
        containing = [b for b in bands if b.contains(result.totals[key])]
        assert containing == [result.bands[key]]


@given(instrument_and_answers())
def test_totals_stay_within_the_range_the_options_allow(case):
    instrument, answers = case

    result = score(instrument, answers)

    for key, value in result.totals.items():
        items = [i for i in instrument.items if key == "total" or i.subscale == key]
        low = sum(min(i.values) for i in items)
        high = sum(max(i.values) for i in items)
        if instrument.scoring == "percentage":
            low, high = low * 100 / high, 100
        assert low <= value <= high
