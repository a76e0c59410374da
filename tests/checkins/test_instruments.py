from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

import pytest

from wellgate.checkins import instruments_loader, rules
from wellgate.checkins.instruments_loader import InstrumentError, load_instrument, load_shipped

INSTRUMENTS = Path(rules.__file__).parent / "instruments"


def raw(instrument_id: str) -> dict[str, Any]:
    return json.loads((INSTRUMENTS / f"{instrument_id}.json").read_text(encoding="utf-8"))


def problems_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InstrumentError) as caught:
        load_instrument(data)
    return caught.value.problems


def test_every_shipped_instrument_loads_and_validates():
    shipped = load_shipped()

    assert sorted(shipped) == ["gad7", "pcl5", "phq9", "proqol5", "pulse", "who5"]
    for instrument in shipped.values():
        assert instrument.licence and instrument.attribution and instrument.recall_period
        assert instrument.bands


@pytest.mark.parametrize(
    ("instrument_id", "count", "values"),
    [
        ("phq9", 9, (0, 1, 2, 3)),
        ("gad7", 7, (0, 1, 2, 3)),
        ("pcl5", 20, (0, 1, 2, 3, 4)),
        ("who5", 5, (5, 4, 3, 2, 1, 0)),
        ("proqol5", 30, (1, 2, 3, 4, 5)),
        ("pulse", 5, (0, 1, 2, 3)),
    ],
)
def test_shipped_instruments_have_the_published_items_and_options(instrument_id, count, values):
    instrument = load_shipped()[instrument_id]

    assert len(instrument.items) == count
    assert all(item.values == values for item in instrument.items)


def test_phq9_keeps_the_published_wording_of_item_9():
    phq9 = load_shipped()["phq9"]

    assert phq9.item("phq9_9").text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert phq9.recall_period == "Over the last 2 weeks"
    assert "Pfizer" in phq9.attribution


def test_pcl5_credits_the_national_center_for_ptsd_and_groups_the_dsm5_clusters():
    pcl5 = load_shipped()["pcl5"]

    assert "National Center for PTSD" in pcl5.attribution
    clusters = {s: [i.id for i in pcl5.items if i.subscale == s] for s in pcl5.subscales}
    assert clusters == {
        "intrusion": [f"pcl5_{n}" for n in range(1, 6)],
        "avoidance": ["pcl5_6", "pcl5_7"],
        "cognition_mood": [f"pcl5_{n}" for n in range(8, 15)],
        "arousal_reactivity": [f"pcl5_{n}" for n in range(15, 21)],
    }


def test_proqol_follows_the_published_scoring_key():
    proqol = load_shipped()["proqol5"]

    def numbers(subscale: str) -> set[int]:
        return {int(i.id.split("_")[1]) for i in proqol.items if i.subscale == subscale}

    assert numbers("compassion_satisfaction") == {3, 6, 12, 16, 18, 20, 22, 24, 27, 30}
    assert numbers("burnout") == {1, 4, 8, 10, 15, 17, 19, 21, 26, 29}
    assert numbers("secondary_traumatic_stress") == {2, 5, 7, 9, 11, 13, 14, 23, 25, 28}
    assert {int(i.id.split("_")[1]) for i in proqol.items if i.reversed} == {1, 4, 15, 17, 29}
    assert [o.label for o in proqol.items[0].options] == [
        "Never",
        "Rarely",
        "Sometimes",
        "Often",
        "Very Often",
    ]


def test_proqol_carries_the_required_attribution_and_only_substitutes_helper():
    proqol = load_shipped()["proqol5"]

    assert proqol.attribution == (
        "B. Hudnall Stamm, 2009-2012. Professional Quality of Life: Compassion Satisfaction "
        "and Fatigue Version 5 (ProQOL). www.proqol.org"
    )
    assert "Center for Victims of Torture" in proqol.licence
    texts = [i.text for i in proqol.items]
    assert not any("[" in t or "helper" in t for t in texts)
    assert proqol.item("proqol5_10").text == "I feel trapped by my job as an investigator."


def test_only_the_pulse_is_reversed_among_the_sum_scored_instruments():
    shipped = load_shipped()

    reversed_ids = {
        i.id for s in shipped.values() if s.id != "proqol5" for i in s.items if i.reversed
    }
    assert reversed_ids == {"pulse_energy", "pulse_support"}


def test_critical_rules_are_shipped_for_phq9_pcl5_and_the_pulse():
    shipped = load_shipped()

    assert [(c.item, c.minimum) for c in shipped["phq9"].critical_items] == [("phq9_9", 1)]
    assert [(c.key, c.minimum) for c in shipped["pcl5"].critical_totals] == [("total", 33)]
    assert [(c.item, c.minimum) for c in shipped["pulse"].critical_items] == [("pulse_harm", 1)]
    assert shipped["phq9"].critical_message("phq9.item_9")


def test_a_band_gap_is_refused_naming_the_uncovered_total():
    data = raw("phq9")
    data["bands"]["total"][1]["min"] = 6  # mild now 6-9: a total of 5 has no band

    problems = problems_of(data)

    assert len(problems) == 1
    fld, message = problems[0]
    assert fld == "bands.total"
    assert "5" in message and "gap" in message


def test_a_band_overlap_is_refused_naming_both_bands():
    data = raw("gad7")
    data["bands"]["total"][2]["min"] = 9  # moderate 9-14 overlaps mild 5-9

    (problem,) = problems_of(data)

    assert problem[0] == "bands.total"
    assert "mild" in problem[1] and "moderate" in problem[1] and "overlap" in problem[1]


def test_a_band_gap_in_one_proqol_subscale_is_named_by_subscale():
    data = raw("proqol5")
    data["bands"]["burnout"][2]["min"] = 43

    (problem,) = problems_of(data)

    assert problem[0] == "bands.burnout"
    assert "42" in problem[1]


def test_a_reversed_item_on_an_unknown_subscale_is_refused():
    data = raw("proqol5")
    data["items"][0]["subscale"] = "burnt_out"

    problems = problems_of(data)

    message = dict(problems)["items.0.subscale"]
    assert "reversed item" in message and "burnt_out" in message


def test_a_reversed_item_whose_options_cannot_be_reflected_is_refused():
    data = raw("pulse")
    data["items"][2]["options"] = [
        {"label": "Never", "value": 0},
        {"label": "Sometimes", "value": 1},
        {"label": "Always", "value": 5},
    ]

    problems = problems_of(data)

    assert [fld for fld, _ in problems] == ["items.2.options"]


def test_duplicate_item_ids_are_refused():
    data = raw("phq9")
    data["items"][8]["id"] = "phq9_1"

    problems = problems_of(data)

    assert any(fld == "items.8.id" and "phq9_1" in msg for fld, msg in problems)


def test_every_problem_is_named_at_once():
    data = raw("phq9")
    del data["title"]
    data["colour"] = "blue"
    data["items"][1]["id"] = "phq9_1"
    data["bands"]["total"][4]["max"] = 26
    data["critical_items"][0]["item"] = "phq9_99"
    data["changes"][0]["kind"] = "fall"

    fields = [fld for fld, _ in problems_of(data)]

    assert fields == [
        "instrument",
        "title",
        "items.1.id",
        "bands.total",
        "critical_items.0.item",
        "changes.0.kind",
    ]


def test_bands_must_be_keyed_by_something_scored():
    data = raw("gad7")
    data["bands"]["worry"] = data["bands"]["total"]

    problems = problems_of(data)

    assert [fld for fld, _ in problems] == ["bands.worry"]


def test_scoring_by_subscale_needs_bands_for_every_subscale():
    data = raw("proqol5")
    del data["bands"]["secondary_traumatic_stress"]

    problems = problems_of(data)

    assert [fld for fld, _ in problems] == ["bands.secondary_traumatic_stress"]


def test_an_unknown_scoring_method_is_refused():
    data = raw("who5")
    data["scoring"] = "average"

    problems = problems_of(data)

    assert "scoring" in [fld for fld, _ in problems]


def test_a_critical_item_threshold_that_can_never_fire_is_refused():
    data = raw("phq9")
    data["critical_items"][0]["min"] = 4

    problems = problems_of(data)

    assert [fld for fld, _ in problems] == ["critical_items.0.min"]


def test_the_instrument_error_message_lists_fields():
    data = raw("phq9")
    data["items"][8]["id"] = "phq9_1"

    with pytest.raises(InstrumentError, match=r"items\.8\.id"):
        load_instrument(data)


def test_a_broken_shipped_file_is_refused_naming_the_file(tmp_path, monkeypatch):
    broken = raw("gad7")
    broken["bands"]["total"].pop()
    (tmp_path / "gad7.json").write_text(json.dumps(broken), encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps(raw("phq9")), encoding="utf-8")
    folder = types.SimpleNamespace(
        files=lambda package: types.SimpleNamespace(joinpath=lambda name: tmp_path)
    )
    monkeypatch.setattr(instruments_loader, "resources", folder)

    with pytest.raises(InstrumentError) as caught:
        load_shipped()

    fields = [fld for fld, _ in caught.value.problems]
    assert fields == ["gad7.json: bands.total", "other.json"]
