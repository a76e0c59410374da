"""The server-drawn trend chart (pure: numbers in, SVG out)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from wellgate.checkins.chart import BandArea, Series, trend_svg

SVG = "{http://www.w3.org/2000/svg}"


def draw(series: list[Series], bands: list[BandArea] | None = None) -> str:
    return trend_svg(
        chart_id="t1",
        title="PHQ-9 over time",
        description="Three check-ins <latest: 12>",
        series=series,
        y_min=0,
        y_max=27,
        bands=bands
        if bands is not None
        else [BandArea("Minimal", 0, 4), BandArea("Mild", 5, 9), BandArea("Moderate", 10, 14)],
    )


def test_the_chart_is_labelled_for_screen_readers_and_escapes_its_text():
    svg = draw([Series("PHQ-9", ((dt.date(2026, 1, 5), 3.0), (dt.date(2026, 4, 5), 12.0)))])
    root = ET.fromstring(svg)  # well-formed, so the escaping held
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t1-title t1-desc"
    assert root.find(f"{SVG}title").text == "PHQ-9 over time"
    assert root.find(f"{SVG}desc").text == "Three check-ins <latest: 12>"


def test_each_point_is_drawn_and_joined_and_each_band_named():
    svg = draw([Series("PHQ-9", tuple((dt.date(2026, m, 1), float(3 * m)) for m in range(1, 5)))])
    root = ET.fromstring(svg)
    assert len(root.findall(f"{SVG}circle")) == 4
    assert len(root.findall(f"{SVG}polyline")) == 1
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Minimal", "Mild", "Moderate", "1 Jan 2026", "1 Apr 2026"} <= set(texts)


def test_a_single_check_in_is_a_point_in_the_middle_without_a_line():
    root = ET.fromstring(draw([Series("PHQ-9", ((dt.date(2026, 1, 5), 27.0),))]))
    (point,) = root.findall(f"{SVG}circle")
    assert float(point.get("cx")) == 44 + (640 - 44 - 160) / 2
    assert float(point.get("cy")) == 14  # the top of the scale
    assert root.findall(f"{SVG}polyline") == []


def test_several_series_differ_by_marker_shape_and_have_a_legend_in_words():
    day = dt.date(2026, 1, 5)
    root = ET.fromstring(
        draw(
            [
                Series("Compassion satisfaction", ((day, 40.0),)),
                Series("Burnout", ((day, 22.0),)),
                Series("Secondary traumatic stress", ((day, 20.0),)),
            ]
        )
    )
    assert len(root.findall(f"{SVG}circle")) == 2  # the point and its legend marker
    assert len(root.findall(f"{SVG}polygon")) == 2
    assert len(root.findall(f"{SVG}rect")) == 3 + 2  # three band areas, square markers
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Compassion satisfaction", "Burnout", "Secondary traumatic stress"} <= set(texts)


def test_the_chart_uses_no_inline_style_the_csp_would_block():
    svg = draw([Series("PHQ-9", ((dt.date(2026, 1, 5), 3.0),))])
    assert "style=" not in svg and "<script" not in svg
