"""Loading the check-in instruments: reads the JSON files in ``instruments/`` and validates
each, naming every problem (``InstrumentError``), into the ``rules.Instrument`` that scoring uses.

Pure like ``rules.py``: the standard library only, no ORM, no clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from wellgate.checkins.rules import (
    CHANGE_KINDS,
    SCORING_METHODS,
    TOTAL,
    Band,
    ChangeRule,
    CriticalItem,
    CriticalTotal,
    Instrument,
    Item,
    Option,
    _is_int,
    _score_keys,
)

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_LEVEL = {
    "id",
    "version",
    "title",
    "description",
    "instructions",
    "recall_period",
    "licence",
    "attribution",
    "scoring",
    "subscales",
    "options",
    "items",
    "bands",
    "critical_items",
    "critical_totals",
    "changes",
}
_TEXT_FIELDS = (
    "version",
    "title",
    "description",
    "instructions",
    "recall_period",
    "licence",
    "attribution",
)


class InstrumentError(Exception):
    """An instrument file cannot be used; ``problems`` lists (field, what to fix)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems: list[tuple[str, str]] = list(problems)
        super().__init__("; ".join(f"{fld}: {msg}" for fld, msg in self.problems))


# Loading and validation -------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, fld: str, message: str) -> None:
        self.items.append((fld, message))


def _load_options(raw: Any, where: str, problems: _Problems) -> tuple[Option, ...] | None:
    if not isinstance(raw, list) or not raw:
        problems.add(where, "Give a non-empty list of options, each with a label and a value.")
        return None
    options: list[Option] = []
    for i, o in enumerate(raw):
        at = f"{where}.{i}"
        if not isinstance(o, dict):
            problems.add(at, 'Write each option as {"label": …, "value": …}.')
            continue
        unknown = sorted(set(o) - {"label", "value"})
        if unknown:
            problems.add(at, f"Remove unknown keys {', '.join(unknown)}.")
        if not _text(o.get("label")):
            problems.add(f"{at}.label", "Give the option a label people will read.")
        if not _is_int(o.get("value")):
            problems.add(f"{at}.value", "Give the option a whole-number value.")
        if _text(o.get("label")) and _is_int(o.get("value")):
            options.append(Option(o["label"], o["value"]))
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        problems.add(where, "Give each option a different value.")
    labels = [o.label for o in options]
    if len(set(labels)) != len(labels):
        problems.add(where, "Give each option a different label.")
    if len(options) != len(raw):
        return None
    return tuple(options)


def load_instrument(data: Mapping[str, Any]) -> Instrument:
    """Build an ``Instrument`` from its JSON form, or raise ``InstrumentError`` naming every
    problem found: missing or unknown fields, duplicate ids, items on an undeclared subscale,
    reversed items whose options cannot be reflected, bands that overlap or leave a possible
    total without a band, and critical or change rules that point at nothing."""
    if not isinstance(data, Mapping):
        raise InstrumentError([("instrument", "Write the instrument as a JSON object.")])
    p = _Problems()

    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        p.add("instrument", f"Remove unknown fields {', '.join(unknown)}.")
    inst_id = data.get("id")
    if not isinstance(inst_id, str) or not _ID.match(inst_id):
        p.add("id", "Give the instrument an id of lower-case letters, digits and underscores.")
    for name in _TEXT_FIELDS:
        if not _text(data.get(name)):
            p.add(name, f"Give the instrument a {name.replace('_', ' ')}.")
    scoring = data.get("scoring")
    if scoring not in SCORING_METHODS:
        p.add("scoring", f"Choose a scoring method: {', '.join(SCORING_METHODS)}.")
        scoring = None

    subscales = _load_subscales(data, scoring, p)
    items, scorable = _load_items(data, subscales, scoring, p)
    keys = _score_keys(scoring, subscales) if scoring else ()
    bands = _load_band_sets(data, scoring, keys, scorable, p)
    critical_items = _load_critical_items(data, items, p)
    critical_totals = _load_critical_totals(data, keys, p)
    codes = [r.code for r in critical_items] + [r.code for r in critical_totals]
    if len(set(codes)) != len(codes):
        p.add("critical_items", "Give each critical rule its own code.")
    change_rules = _load_change_rules(data, keys, p)

    if p.items:
        raise InstrumentError(p.items)
    assert isinstance(inst_id, str) and isinstance(scoring, str)
    return Instrument(
        id=inst_id,
        version=data["version"],
        title=data["title"],
        description=data["description"],
        instructions=data["instructions"],
        recall_period=data["recall_period"],
        licence=data["licence"],
        attribution=data["attribution"],
        items=items,
        scoring=scoring,
        subscales=subscales,
        bands=bands,
        critical_items=critical_items,
        critical_totals=critical_totals,
        change_rules=change_rules,
    )


def _load_subscales(data: Mapping[str, Any], scoring: str | None, p: _Problems) -> tuple[str, ...]:
    raw = data.get("subscales", [])
    subscales: tuple[str, ...] = ()
    if not isinstance(raw, list) or not all(
        isinstance(s, str) and _ID.match(s) and s != TOTAL for s in raw
    ):
        p.add(
            "subscales",
            f"List subscales as ids of lower-case letters, digits and underscores (not “{TOTAL}”).",
        )
    else:
        subscales = tuple(raw)
        if len(set(subscales)) != len(subscales):
            p.add("subscales", "Name each subscale once.")
    if scoring == "subscale_sums" and not subscales:
        p.add("subscales", "Scoring by subscale needs at least one subscale.")
    return subscales


def _load_items(
    data: Mapping[str, Any], subscales: tuple[str, ...], scoring: str | None, p: _Problems
) -> tuple[tuple[Item, ...], tuple[Item, ...] | None]:
    """The items that are sound; and, when every item's options and subscale are sound,
    all items (even those with other problems), so that bands can still be checked."""
    shared = _load_options(data["options"], "options", p) if "options" in data else None
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        p.add("items", "Give the instrument a non-empty list of items.")
        return (), None
    items: list[Item] = []
    scorable: list[Item] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        at = f"items.{i}"
        if not isinstance(raw, dict):
            p.add(at, "Write each item as a JSON object with an id and a text.")
            continue
        before = len(p.items)
        extra = sorted(set(raw) - {"id", "text", "subscale", "reversed", "options"})
        if extra:
            p.add(at, f"Remove unknown keys {', '.join(extra)}.")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not _ID.match(item_id):
            p.add(f"{at}.id", "Give the item an id of lower-case letters, digits and underscores.")
        elif item_id in seen:
            p.add(f"{at}.id", f"The item id “{item_id}” is used twice; give each item its own.")
        else:
            seen.add(item_id)
        if not _text(raw.get("text")):
            p.add(f"{at}.text", "Give the item the question text people will read.")
        reversed_ = raw.get("reversed", False)
        if not isinstance(reversed_, bool):
            p.add(f"{at}.reversed", "Write reversed as true or false.")
        subscale = raw.get("subscale")
        # Items whose values are known can still be summed to check the bands.
        summable = True
        if subscale is not None and subscale not in subscales:
            what = "reversed item" if reversed_ is True else "item"
            p.add(
                f"{at}.subscale",
                f"This {what} is on “{subscale}”, which is not a declared subscale; "
                f"use one of {', '.join(subscales) or '(none declared)'} or declare it.",
            )
            summable = False
        if subscale is None and scoring == "subscale_sums":
            p.add(f"{at}.subscale", "Scoring by subscale needs every item on a subscale.")
            summable = False
        options = _load_options(raw["options"], f"{at}.options", p) if "options" in raw else shared
        if options is None:
            summable = False
            if "options" not in raw and "options" not in data:
                p.add(f"{at}.options", "Give the item options, or give the instrument options.")
        elif reversed_ is True:
            values = {o.value for o in options}
            if {min(values) + max(values) - v for v in values} != values:
                p.add(
                    f"{at}.options",
                    "A reversed item needs option values that mirror each other "
                    "(for example 1–5), so each answer has a reflected score.",
                )
                summable = False
        if not summable or options is None:
            continue
        item = Item(str(item_id), str(raw.get("text")), subscale, reversed_ is True, options)
        scorable.append(item)
        if len(p.items) == before:
            items.append(item)
    for s in subscales:
        if not any(isinstance(r, dict) and r.get("subscale") == s for r in raw_items):
            p.add("subscales", f"No item is on the subscale “{s}”; remove it or add items.")
    return tuple(items), tuple(scorable) if len(scorable) == len(raw_items) else None


def _achievable(items: Sequence[Item]) -> set[int]:
    """Every raw sum these items can add up to (reversal keeps option sets symmetric)."""
    sums = {0}
    for it in items:
        sums = {s + v for s in sums for v in it.values}
    return sums


def _possible_totals(scoring: str, key: str, items: Sequence[Item]) -> set[float]:
    chosen = items if key == TOTAL else [it for it in items if it.subscale == key]
    raw_sums = _achievable(chosen)
    if scoring == "percentage" and key == TOTAL:
        top = sum(max(it.values) for it in items)
        return {s * 100 / top for s in raw_sums} if top > 0 else set()
    return {float(s) for s in raw_sums}


def _load_band_sets(
    data: Mapping[str, Any],
    scoring: str | None,
    keys: tuple[str, ...],
    items: Sequence[Item] | None,
    p: _Problems,
) -> dict[str, tuple[Band, ...]]:
    """Bands per scored key; with sound ``items``, also checks every possible total is banded."""
    raw_bands = data.get("bands")
    if not isinstance(raw_bands, dict):
        p.add("bands", "Give bands as an object keyed by “total” or a subscale.")
        return {}
    if scoring == "percentage" and items and sum(max(it.values) for it in items) <= 0:
        p.add("scoring", "A percentage needs a highest possible raw sum above 0.")
    required = (TOTAL,) if scoring in ("sum", "percentage") else keys
    for key in required:
        if key not in raw_bands:
            p.add(f"bands.{key}", f"Give bands for “{key}”.")
    bands: dict[str, tuple[Band, ...]] = {}
    for key, raw_list in raw_bands.items():
        at = f"bands.{key}"
        if key not in keys:
            p.add(at, f"“{key}” is not scored; key bands by one of {', '.join(keys) or '…'}.")
            continue
        loaded = _load_bands(raw_list, at, p)
        if loaded is None:
            continue
        bands[key] = loaded
        if items and scoring:
            possible = _possible_totals(scoring, key, items)
            gaps = sorted(v for v in possible if not any(b.contains(v) for b in loaded))
            if gaps:
                shown = ", ".join(f"{v:g}" for v in gaps[:5])
                p.add(at, f"No band covers the possible total(s) {shown}; close the gap.")
    return bands


def _load_critical_items(
    data: Mapping[str, Any], items: Sequence[Item], p: _Problems
) -> tuple[CriticalItem, ...]:
    by_id = {it.id: it for it in items}
    found: list[CriticalItem] = []
    for i, raw in enumerate(_list(data, "critical_items", p)):
        at = f"critical_items.{i}"
        if not _rule_shape(raw, at, {"code", "item", "min", "message"}, p):
            continue
        target = by_id.get(raw["item"]) if isinstance(raw["item"], str) else None
        if target is None:
            known = [r.get("id") for r in data.get("items") or [] if isinstance(r, dict)]
            if raw["item"] not in known:  # a known but broken item is reported already
                p.add(f"{at}.item", f"“{raw['item']}” is not an item of this instrument.")
            continue
        if not _is_int(raw["min"]) or raw["min"] > max(target.values):
            p.add(
                f"{at}.min",
                f"Give a whole number no higher than {max(target.values)}, or it never fires.",
            )
            continue
        found.append(CriticalItem(raw["code"], raw["item"], raw["min"], raw["message"]))
    return tuple(found)


def _load_critical_totals(
    data: Mapping[str, Any], keys: tuple[str, ...], p: _Problems
) -> tuple[CriticalTotal, ...]:
    found: list[CriticalTotal] = []
    for i, raw in enumerate(_list(data, "critical_totals", p)):
        at = f"critical_totals.{i}"
        if not _rule_shape(raw, at, {"code", "key", "min", "message"}, p):
            continue
        if raw["key"] not in keys:
            p.add(f"{at}.key", f"“{raw['key']}” is not scored; use one of {', '.join(keys)}.")
            continue
        if not _is_number(raw["min"]):
            p.add(f"{at}.min", "Give the critical total as a number.")
            continue
        found.append(CriticalTotal(raw["code"], raw["key"], raw["min"], raw["message"]))
    return tuple(found)


def _load_change_rules(
    data: Mapping[str, Any], keys: tuple[str, ...], p: _Problems
) -> tuple[ChangeRule, ...]:
    raw_bands = data.get("bands")
    banded = set(raw_bands) if isinstance(raw_bands, dict) else set()
    found: list[ChangeRule] = []
    for i, raw in enumerate(_list(data, "changes", p)):
        at = f"changes.{i}"
        if not isinstance(raw, dict):
            p.add(at, "Write each change rule as a JSON object.")
            continue
        kind = raw.get("kind")
        if kind not in CHANGE_KINDS:
            p.add(f"{at}.kind", f"Choose a kind: {', '.join(CHANGE_KINDS)}.")
            continue
        allowed = {"code", "kind", "key", "by"} if kind == "rise" else {"code", "kind", "key"}
        if not _rule_shape(raw, at, allowed, p):
            continue
        if raw["key"] not in keys:
            p.add(f"{at}.key", f"“{raw['key']}” is not scored; use one of {', '.join(keys)}.")
            continue
        if kind == "band_rise" and raw["key"] not in banded:
            p.add(f"{at}.key", f"“{raw['key']}” has no bands to rise through.")
            continue
        if kind == "rise" and not (_is_number(raw["by"]) and raw["by"] > 0):
            p.add(f"{at}.by", "Give the rise that counts as a number above 0.")
            continue
        found.append(ChangeRule(raw["code"], kind, raw["key"], raw.get("by")))
    return tuple(found)


def _list(data: Mapping[str, Any], name: str, p: _Problems) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        p.add(name, f"Give {name.replace('_', ' ')} as a list.")
        return []
    return value


def _rule_shape(raw: Any, at: str, keys: set[str], p: _Problems) -> bool:
    if not isinstance(raw, dict):
        p.add(at, "Write the rule as a JSON object.")
        return False
    missing = sorted(keys - set(raw))
    extra = sorted(set(raw) - keys)
    if missing:
        p.add(at, f"Add {', '.join(missing)}.")
    if extra:
        p.add(at, f"Remove unknown keys {', '.join(extra)}.")
    for name in ("code", "message"):
        if name in keys and name in raw and not _text(raw[name]):
            p.add(f"{at}.{name}", f"Give the rule a {name}.")
            return False
    return not missing and not extra


def _load_bands(raw: Any, at: str, p: _Problems) -> tuple[Band, ...] | None:
    if not isinstance(raw, list) or not raw:
        p.add(at, "Give a non-empty list of bands.")
        return None
    bands: list[Band] = []
    fields = {"min", "max", "code", "label", "meaning"}
    for i, b in enumerate(raw):
        here = f"{at}.{i}"
        if not isinstance(b, dict):
            p.add(here, "Write each band as a JSON object.")
            continue
        missing = sorted(fields - set(b))
        extra = sorted(set(b) - fields)
        if missing:
            p.add(here, f"Add {', '.join(missing)}.")
        if extra:
            p.add(here, f"Remove unknown keys {', '.join(extra)}.")
        if missing or extra:
            continue
        if not (_is_number(b["min"]) and _is_number(b["max"]) and b["min"] <= b["max"]):
            p.add(here, "Give numbers with min no greater than max.")
            continue
        if not all(_text(b[k]) for k in ("code", "label", "meaning")):
            p.add(here, "Give the band a code, a label and a plain-English meaning.")
            continue
        bands.append(Band(b["code"], b["label"], b["min"], b["max"], b["meaning"]))
    if len(bands) != len(raw):
        return None
    ordered = sorted(bands, key=lambda b: (b.minimum, b.maximum))
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if upper.minimum <= lower.maximum:
            p.add(
                at,
                f"Bands “{lower.code}” ({lower.minimum:g}–{lower.maximum:g}) and "
                f"“{upper.code}” ({upper.minimum:g}–{upper.maximum:g}) overlap; "
                "make each total fall in one band.",
            )
            return None
    codes = [b.code for b in ordered]
    if len(set(codes)) != len(codes):
        p.add(at, "Give each band its own code.")
        return None
    return tuple(ordered)


def load_shipped() -> dict[str, Instrument]:
    """The instruments in ``instruments/*.json`` by id; ``InstrumentError`` names the file and
    field of every problem, and a file whose name differs from its id."""
    folder = resources.files(__package__ or "wellgate.checkins").joinpath("instruments")
    found: dict[str, Instrument] = {}
    problems: list[tuple[str, str]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        stem = entry.name.removesuffix(".json")
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except ValueError as exc:
            problems.append((entry.name, f"Not valid JSON: {exc}."))
            continue
        try:
            instrument = load_instrument(data)
        except InstrumentError as exc:
            problems.extend((f"{entry.name}: {fld}", msg) for fld, msg in exc.problems)
            continue
        if instrument.id != stem:
            problems.append((entry.name, f"Name the file {instrument.id}.json, after its id."))
            continue
        found[instrument.id] = instrument
    if problems:
        raise InstrumentError(problems)
    return found
