"""Check-in instruments as data, and how answers are scored.

Pure: standard library only, no ORM, no clock. An instrument is a JSON file in
``instruments/`` (one per questionnaire); ``instruments_loader.load_instrument`` validates one
and names every problem, ``score`` turns a complete set of answers into totals, bands and
critical reasons, and ``changes`` compares two scores of the same instrument for the rules that open a flag.

Scoring methods:

- ``sum``: ``total`` is the sum of the item values, with reversed items reflected; every
  declared subscale also gets its own sum (the PCL-5 clusters, for example).
- ``percentage``: ``total`` is the raw sum as a percentage of the highest possible raw sum
  (WHO-5: raw sum x 4).
- ``subscale_sums``: one raw sum per subscale and no overall total (ProQOL 5, whose
  subscales must not be added together).

A reversed item is reflected about its option range: ``value' = lowest + highest - value``
(ProQOL 5 burnout items: 1..5 becomes 5..1). Critical items look at the answer as given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from wellgate.calendar import add_months
from wellgate.errors import Detail, Refused

SCORING_METHODS = ("sum", "percentage", "subscale_sums")
CHANGE_KINDS = ("rise", "band_rise")
TOTAL = "total"


@dataclass(frozen=True)
class Option:
    """One answer a person can choose, and the number it scores."""

    label: str
    value: int


@dataclass(frozen=True)
class Item:
    """One question. ``options`` is the item's own list or else the instrument's."""

    id: str
    text: str
    subscale: str | None
    reversed: bool
    options: tuple[Option, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(o.value for o in self.options)

    def scored(self, value: int) -> int:
        """The value that counts towards a total: reflected when the item is reversed."""
        if self.reversed:
            return min(self.values) + max(self.values) - value
        return value


@dataclass(frozen=True)
class Band:
    """A named range of a total, inclusive at both ends, with what it means in plain words."""

    code: str
    label: str
    minimum: float
    maximum: float
    meaning: str

    def contains(self, value: float) -> bool:
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True)
class CriticalItem:
    """An answer of ``minimum`` or more to ``item`` is critical (PHQ-9 item 9 above 0)."""

    code: str
    item: str
    minimum: int
    message: str


@dataclass(frozen=True)
class CriticalTotal:
    """A total (``key``: "total" or a subscale) of ``minimum`` or more is critical."""

    code: str
    key: str
    minimum: float
    message: str


@dataclass(frozen=True)
class ChangeRule:
    """A change between two check-ins that needs a conversation.

    ``rise``: the total under ``key`` went up by ``by`` or more. ``band_rise``: the total
    moved into a higher band (bands are ordered from the lowest range up).
    """

    code: str
    kind: str
    key: str
    by: float | None = None


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire: build it with ``instruments_loader.load_instrument``, not directly."""

    id: str
    version: str
    title: str
    description: str
    instructions: str
    recall_period: str
    licence: str
    attribution: str
    items: tuple[Item, ...]
    scoring: str
    subscales: tuple[str, ...]
    bands: dict[str, tuple[Band, ...]]  # key: "total" or a subscale; lowest range first
    critical_items: tuple[CriticalItem, ...] = ()
    critical_totals: tuple[CriticalTotal, ...] = ()
    change_rules: tuple[ChangeRule, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The totals this instrument's scores carry, in display order."""
        return _score_keys(self.scoring, self.subscales)

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def critical_message(self, code: str) -> str:
        """The sentence for a critical reason code found in ``Score.critical_reasons``."""
        messages = {r.code: r.message for r in self.critical_items}
        messages |= {r.code: r.message for r in self.critical_totals}
        return messages[code]


@dataclass(frozen=True)
class Score:
    """The result of one check-in, as stored beside its answers."""

    instrument_id: str
    instrument_version: str
    scoring_method: str
    totals: dict[str, float]  # key: "total" or a subscale
    bands: dict[str, Band]
    critical: bool
    critical_reasons: tuple[str, ...]  # codes; Instrument.critical_message gives the sentence

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; ``Score.from_dict`` reads it back."""
        return {
            "instrument_id": self.instrument_id,
            "instrument_version": self.instrument_version,
            "scoring_method": self.scoring_method,
            "totals": dict(self.totals),
            "bands": {
                key: {
                    "code": b.code,
                    "label": b.label,
                    "min": b.minimum,
                    "max": b.maximum,
                    "meaning": b.meaning,
                }
                for key, b in self.bands.items()
            },
            "critical": self.critical,
            "critical_reasons": list(self.critical_reasons),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Score:
        return cls(
            instrument_id=data["instrument_id"],
            instrument_version=data["instrument_version"],
            scoring_method=data["scoring_method"],
            totals={k: float(v) for k, v in data["totals"].items()},
            bands={
                key: Band(b["code"], b["label"], b["min"], b["max"], b["meaning"])
                for key, b in data["bands"].items()
            },
            critical=bool(data["critical"]),
            critical_reasons=tuple(data["critical_reasons"]),
        )


@dataclass(frozen=True)
class Change:
    """A change rule that fired: a stable code and a sentence for the welfare lead."""

    code: str
    message: str


def _score_keys(scoring: str | None, subscales: Sequence[str]) -> tuple[str, ...]:
    if scoring == "subscale_sums":
        return tuple(subscales)
    return (TOTAL, *subscales)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Scoring ----------------------------------------------------------------------------------


def _choices(item: Item) -> str:
    return ", ".join(f"{o.value} ({o.label})" for o in item.options)


def score(instrument: Instrument, answers: Mapping[str, int]) -> Score:
    """Score a complete set of answers (item id -> option value).

    Refuses (``Refused``, each reason on ``answers.<item id>``) listing every unanswered item, every value that is not one of the
    item's options, and every id that is not an item of this instrument.
    """
    problems: list[Detail] = []
    known = {it.id for it in instrument.items}
    for number, it in enumerate(instrument.items, 1):
        if it.id not in answers:
            problems.append(
                Detail(
                    "checkin.answer_missing",
                    f"Answer question {number} of {instrument.title}: choose {_choices(it)}.",
                    f"answers.{it.id}",
                )
            )
            continue
        value = answers[it.id]
        if not _is_int(value) or value not in it.values:
            problems.append(
                Detail(
                    "checkin.answer_invalid",
                    f"Question {number} of {instrument.title}: {value!r} is not one of its "
                    f"answers; choose {_choices(it)}.",
                    f"answers.{it.id}",
                )
            )
    for key in answers:
        if key not in known:
            problems.append(
                Detail(
                    "checkin.item_unknown",
                    f"“{key}” is not a question of {instrument.title}; remove it.",
                    f"answers.{key}",
                )
            )
    if problems:
        raise Refused(problems)

    raw: dict[str, int] = dict.fromkeys(instrument.keys, 0)
    for it in instrument.items:
        value = it.scored(answers[it.id])
        if TOTAL in raw:
            raw[TOTAL] += value
        if it.subscale is not None:
            raw[it.subscale] += value

    totals: dict[str, float] = {key: float(v) for key, v in raw.items()}
    if instrument.scoring == "percentage":
        top = sum(max(it.values) for it in instrument.items)
        totals[TOTAL] = raw[TOTAL] * 100 / top

    bands: dict[str, Band] = {}
    for key, ranges in instrument.bands.items():
        for band in ranges:
            if band.contains(totals[key]):
                bands[key] = band
                break

    reasons: list[str] = []
    for rule in instrument.critical_items:
        if answers[rule.item] >= rule.minimum:
            reasons.append(rule.code)
    for total_rule in instrument.critical_totals:
        if totals[total_rule.key] >= total_rule.minimum:
            reasons.append(total_rule.code)

    return Score(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        scoring_method=instrument.scoring,
        totals=totals,
        bands=bands,
        critical=bool(reasons),
        critical_reasons=tuple(reasons),
    )


# Change between check-ins -----------------------------------------------------------------


def _key_label(key: str) -> str:
    return "total" if key == TOTAL else key.replace("_", " ")


def changes(instrument: Instrument, previous: Score | None, current: Score) -> list[Change]:
    """The instrument's change rules that fire between the previous and the current score.

    A first check-in (``previous`` is None) changes nothing. A rise is only measured between
    scores made with the same scoring method; a band rise compares positions in the current
    instrument's bands, matched by band code.
    """
    if current.instrument_id != instrument.id or (
        previous is not None and previous.instrument_id != instrument.id
    ):
        raise ValueError("Compare only scores of the instrument given.")
    if previous is None:
        return []
    found: list[Change] = []
    for rule in instrument.change_rules:
        if rule.key not in previous.totals or rule.key not in current.totals:
            continue
        if rule.kind == "rise":
            if previous.scoring_method != current.scoring_method or rule.by is None:
                continue
            before, after = previous.totals[rule.key], current.totals[rule.key]
            if after - before >= rule.by:
                found.append(
                    Change(
                        rule.code,
                        f"{instrument.title} {_key_label(rule.key)} rose by {after - before:g} "
                        f"since the previous check-in, from {before:g} to {after:g}.",
                    )
                )
        elif rule.kind == "band_rise":
            order = [b.code for b in instrument.bands.get(rule.key, ())]
            was, now = previous.bands.get(rule.key), current.bands.get(rule.key)
            if was is None or now is None or was.code not in order or now.code not in order:
                continue
            if order.index(now.code) > order.index(was.code):
                found.append(
                    Change(
                        rule.code,
                        f"{instrument.title} {_key_label(rule.key)} moved from "
                        f"“{was.label}” to “{now.label}” since the previous check-in.",
                    )
                )
    return found


# Cadence ----------------------------------------------------------------------------------

PULSE = "pulse"
# The fuller set offered every few months (WHO-5 is there to take whenever one likes).
FULL_SET = ("phq9", "gad7", "pcl5", "proqol5")
GROUPS = {"pulse": (PULSE,), "full": FULL_SET}


@dataclass(frozen=True)
class Due:
    """A group of check-ins the officer is invited to take: ``since`` is the day it fell due."""

    group: str  # "pulse" or "full"
    instrument_ids: tuple[str, ...]
    since: date


def due_checkins(
    *,
    last_done: Mapping[str, date],
    joined_on: date,
    today: date,
    pulse_weeks: int,
    full_months: int,
) -> list[Due]:
    """Which check-ins are due today, by group.

    ``last_done`` holds, per instrument id, the last day the officer took it or chose to skip
    it: a skip counts as done, so that declining is never met with a reminder. An instrument
    never taken falls due on the day the officer joined (a baseline to compare against).
    """
    found: list[Due] = []
    for group, ids in GROUPS.items():
        due_on: dict[str, date] = {}
        for instrument_id in ids:
            last = last_done.get(instrument_id)
            if last is None:
                due_on[instrument_id] = joined_on
            elif group == "pulse":
                due_on[instrument_id] = last + timedelta(weeks=pulse_weeks)
            else:
                due_on[instrument_id] = add_months(last, full_months)
        now_due = tuple(i for i in ids if due_on[i] <= today)
        if now_due:
            found.append(Due(group, now_due, min(due_on[i] for i in now_due)))
    return found


# Plain words ------------------------------------------------------------------------------


def key_range(instrument: Instrument, key: str) -> tuple[float, float]:
    """The lowest and highest total ``key`` can take (for "12 out of 27" and chart axes)."""
    if instrument.scoring == "percentage" and key == TOTAL:
        return 0.0, 100.0
    chosen = [it for it in instrument.items if key == TOTAL or it.subscale == key]
    return float(sum(min(it.values) for it in chosen)), float(sum(max(it.values) for it in chosen))


def key_label(key: str) -> str:
    """How a total is named to people: "Total", "Secondary traumatic stress"."""
    return "Total" if key == TOTAL else key.replace("_", " ").capitalize()


def critical_when(instrument: Instrument) -> list[str]:
    """Each answer that tells the welfare lead at once, as a phrase finishing "if you …"."""
    phrases: list[str] = []
    numbers = {it.id: n for n, it in enumerate(instrument.items, 1)}
    for rule in instrument.critical_items:
        item = instrument.item(rule.item)
        ordered = sorted(item.options, key=lambda o: o.value)
        below = [o for o in ordered if o.value < rule.minimum]
        where = f"question {numbers[rule.item]} (“{item.text}”)"
        if len(below) == 1:
            phrases.append(f"answer {where} with anything but “{below[0].label}”")
        else:
            first = next(o for o in ordered if o.value >= rule.minimum)
            phrases.append(f"answer {where} with “{first.label}” or more")
    for total_rule in instrument.critical_totals:
        what = "total" if total_rule.key == TOTAL else key_label(total_rule.key).lower()
        phrases.append(f"reach a {what} of {total_rule.minimum:g} or more")
    return phrases


def change_when(instrument: Instrument) -> list[str]:
    """Each change rule as a phrase finishing "if your …", for telling people in advance."""
    phrases = []
    for rule in instrument.change_rules:
        what = "total" if rule.key == TOTAL else key_label(rule.key).lower()
        if rule.kind == "rise" and rule.by is not None:
            phrases.append(f"{what} rises by {rule.by:g} or more")
        else:
            phrases.append(f"{what} moves into a higher band")
    return phrases
