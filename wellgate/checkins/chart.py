"""A trend chart as inline SVG, drawn on the server: no script, no CDN, nothing to load.

Pure: dates and numbers in, markup out. Colours are never the only difference: each series
has its own marker shape and a named legend, bands are labelled in words, and the page puts
a table of the same numbers beside the chart for screen readers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 160, 14, 34
LEGEND_ROW = 24
# Dark enough on white and on the band shades (contrast above 4.5:1), told apart by shape too.
COLOURS = ("#1f4e5f", "#8a4b00", "#5b2a86")
MARKERS = ("circle", "square", "diamond")
BAND_SHADES = ("#eef3f5", "#ffffff")


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[dt.date, float], ...]  # oldest first


@dataclass(frozen=True)
class BandArea:
    label: str
    low: float
    high: float


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5.5:.1f} {x + 5.5:.1f},{y:.1f} '
            f'{x:.1f},{y + 5.5:.1f} {x - 5.5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def trend_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: list[Series],
    y_min: float,
    y_max: float,
    bands: list[BandArea],
) -> str:
    """An SVG line chart of ``series`` against time, with labelled band areas behind it."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    height = HEIGHT + (LEGEND_ROW if len(series) > 1 else 0)
    span = (y_max - y_min) or 1.0
    days = sorted({d for s in series for d, _ in s.points})
    if not days:
        raise ValueError("A trend chart needs at least one point.")
    first, last = days[0], days[-1]
    day_span = (last - first).days

    def x_of(d: dt.date) -> float:
        if day_span == 0:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (d - first).days / day_span

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (min(max(v, y_min), y_max) - y_min) / span)

    out = [
        f'<svg class="trend-chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    ordered = sorted(bands, key=lambda b: b.low)
    for i, band in enumerate(ordered):
        low = y_min if i == 0 else band.low
        high = ordered[i + 1].low if i + 1 < len(ordered) else y_max
        top, bottom = y_of(high), y_of(low)
        out.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}" '
            f'fill="{BAND_SHADES[i % 2]}" stroke="#b8c2c8" stroke-width="0.5"/>'
        )
        out.append(
            f'<text x="{LEFT + plot_w + 6}" y="{(top + bottom) / 2 + 4:.1f}" fill="#4a555c">'
            f"{escape(band.label)}</text>"
        )
    out.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#1d2428"/>'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        f'stroke="#1d2428"/>'
    )
    ticks = sorted({y_min, y_max, *(b.low for b in ordered if y_min < b.low < y_max)})
    for v in ticks:
        out.append(
            f'<text x="{LEFT - 6}" y="{y_of(v) + 4:.1f}" text-anchor="end" fill="#1d2428">'
            f"{_num(v)}</text>"
        )
    labelled = [first] if day_span == 0 else [first, last]
    for d in labelled:
        anchor = "middle" if day_span == 0 else ("start" if d == first else "end")
        out.append(
            f'<text x="{x_of(d):.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" '
            f'fill="#1d2428">{_day(d)}</text>'
        )
    for n, s in enumerate(series):
        colour, shape = COLOURS[n % len(COLOURS)], MARKERS[n % len(MARKERS)]
        coords = [(x_of(d), y_of(v)) for d, v in s.points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        out.extend(_marker(shape, x, y, colour) for x, y in coords)
    if len(series) > 1:
        # A legend in words beside each marker shape, in a row under the dates.
        x = float(LEFT)
        for n, s in enumerate(series):
            colour, shape = COLOURS[n % len(COLOURS)], MARKERS[n % len(MARKERS)]
            out.append(_marker(shape, x + 4, height - 10, colour))
            out.append(
                f'<text x="{x + 14:.1f}" y="{height - 6}" fill="#1d2428">{escape(s.label)}</text>'
            )
            x += 24 + 7 * len(s.label)
    out.append("</svg>")
    return "".join(out)
