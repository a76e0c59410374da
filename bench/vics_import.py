"""Benchmark: reading a grading-tool export with read_vics against bare ijson.

Writes a VICS 2.0 export of --items items (one case, streamed to disk), then times, each in a
fresh Python process so that ru_maxrss is that process's real peak:

  ijson.parse   iterating every parse event (the floor for an event-by-event reader)
  ijson.items   building each media item as a dict at "…Media.item" (ijson's fast path)
  read_vics     the Wellgate reader, hashing the file as it goes

Each is run --repeat times, interleaved, and the best time is kept (the box may be busy).
Targets: read_vics within 1.5x of bare ijson, peak RSS under 150 MB.

    .venv/bin/python bench/vics_import.py [--items 1000000] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wellgate.exposure import vics  # noqa: E402

US = {
    "0": "not_indecent",
    "1": "indecent_ungraded",
    "2": "indecent_ungraded",
    "3": "indecent_ungraded",
    "4": "ignore",
}
CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#"
ITEM_PREFIX = {"Cases": "value.item.Media.item", "Media": "value.item"}
MODES = ("ijson.parse", "ijson.items", "read_vics")
TARGET_RATIO = 1.5
TARGET_RSS_MB = 150


def write_export(path: Path, items: int, scope: str, seed: int = 1) -> None:
    """A Griffeye-like export, pretty-printed like the samples, written in batches."""
    rnd = random.Random(seed)
    mimes = ["image/jpeg"] * 8 + ["image/png"] * 3 + ["video/mp4"]
    codes = ["0", "1", "2", "3", "4", "null"]
    pad = "    " if scope == "Cases" else "  "
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(f'{{\n "@odata.context": "{CONTEXT}{scope}",\n "value": [\n')
        if scope == "Cases":
            f.write(
                '  {\n   "CaseID": "1933f5a3-02c2-7e4b-602c-595ba5e3f4d0",\n'
                '   "CaseNumber": "OP-BENCH",\n   "SourceApplicationName": "Synthetic",\n'
                '   "Media": [\n'
            )
        batch = []
        for n in range(1, items + 1):
            md5 = f"{rnd.getrandbits(128):032x}"
            sha1 = f"{rnd.getrandbits(160):040x}"
            batch.append(
                f"{pad}{{\n"
                f'{pad} "MediaID": {n},\n'
                f'{pad} "Category": {codes[n % 6]},\n'
                f'{pad} "MD5": "{md5}",\n'
                f'{pad} "SHA1": "{sha1}",\n'
                f'{pad} "MediaSize": {rnd.randrange(1000, 5_000_000)},\n'
                f'{pad} "MimeType": "{mimes[n % 12]}",\n'
                f'{pad} "IsDistributed": false,\n'
                f'{pad} "VictimIdentified": false,\n'
                f'{pad} "OffenderIdentified": false,\n'
                f'{pad} "MediaFiles": [\n'
                f"{pad}  {{\n"
                f'{pad}   "MD5": "{md5}",\n'
                f'{pad}   "FileName": "item{n:07d}.jpg",\n'
                f'{pad}   "FilePath": "\\\\\\\\Export\\\\\\\\{n:07d}.jpg"\n'
                f"{pad}  }}\n"
                f"{pad} ]\n"
                f"{pad}}}"
            )
            if len(batch) == 1000 or n == items:
                f.write(",\n".join(batch))
                f.write(",\n" if n < items else "\n")
                batch.clear()
        if scope == "Cases":
            f.write("   ]\n  }\n")
        f.write(" ]\n}\n")


def measure(mode: str, path: Path, scope: str) -> dict[str, Any]:
    """One measurement, run in a child process; prints its figures as JSON."""
    backend = vics._BACKEND
    before = resource.getrusage(resource.RUSAGE_SELF)
    rss_before = before.ru_maxrss
    started = time.perf_counter()
    with path.open("rb") as f:
        if mode == "ijson.parse":
            for _ in backend.parse(f):
                pass
            items = None  # counting would add work to the floor
        elif mode == "ijson.items":
            items = sum(1 for _ in backend.items(f, ITEM_PREFIX[scope]))
        else:
            summary = vics.read_vics(f, US)
            items = summary.total_items + summary.ignored_items
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures: dict[str, Any] = {
        "wall": wall,
        "cpu": cpu,
        "items": items,
        "rss_kb": after.ru_maxrss,
        "rss_before_kb": rss_before,
    }
    if mode == "read_vics":
        # What it read, so that a fast reader that counts wrongly misses the target too.
        figures["bytes_read"] = summary.bytes_read
        figures["counts"] = sorted([*k, n] for k, n in summary.counts.items())
        figures["ignored"] = summary.ignored_items
    return figures


def expected_counts(items: int) -> tuple[list[list[Any]], int]:
    """The (category, media kind) counts and ignored items read_vics must give for
    write_export's file under the US profile."""
    kinds = {"image/jpeg": "image", "image/png": "image", "video/mp4": "video"}
    mimes = ["image/jpeg"] * 8 + ["image/png"] * 3 + ["video/mp4"]
    codes = ["0", "1", "2", "3", "4", "null"]
    counts: Counter[tuple[str, str]] = Counter()
    ignored = 0
    for n in range(1, items + 1):
        code = codes[n % 6]
        target = "uncategorised" if code == "null" else US[code]
        if target == "ignore":
            ignored += 1
        else:
            counts[(target, kinds[mimes[n % 12]])] += 1
    return sorted([*k, c] for k, c in counts.items()), ignored


def run_child(mode: str, path: Path, scope: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", mode, "--scope", scope, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scope", choices=("Cases", "Media"), default="Cases")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the export")
    parser.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(measure(args.measure, args.path, args.scope)))
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"vics-2.0-{args.scope.lower()}-{args.items}.json"
    try:
        if not (args.keep and path.exists()):
            started = time.perf_counter()
            write_export(path, args.items, args.scope)
            print(f"wrote {path} in {time.perf_counter() - started:.1f} s")
        size = path.stat().st_size
        print(
            f"{args.items:,} items, {size / 1e6:,.0f} MB, scope {args.scope}, "
            f"backend {vics._BACKEND.backend_name}, Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs, best of {args.repeat}"
        )
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        for _ in range(args.repeat):
            for mode in MODES:
                runs[mode].append(run_child(mode, path, args.scope))
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
    return report(runs, args.items, size)


def report(runs: dict[str, list[dict[str, Any]]], items: int, size: int) -> int:
    best = {mode: min(r["wall"] for r in rs) for mode, rs in runs.items()}
    best_cpu = {mode: min(r["cpu"] for r in rs) for mode, rs in runs.items()}
    peak = {mode: max(r["rss_kb"] for r in rs) / 1024 for mode, rs in runs.items()}
    base = {mode: max(r["rss_before_kb"] for r in rs) / 1024 for mode, rs in runs.items()}
    print(f"{'':12} {'wall s':>8} {'cpu s':>8} {'items/s':>10} {'MB/s':>6} {'peak RSS':>9}")
    for mode in MODES:
        counted = {r["items"] for r in runs[mode]} - {None}
        assert counted <= {items}, f"{mode} counted {counted}, not {items}"
        print(
            f"{mode:12} {best[mode]:8.2f} {best_cpu[mode]:8.2f} {items / best[mode]:10,.0f}"
            f" {size / 1e6 / best[mode]:6.1f} {peak[mode]:6.1f} MB"
            f"  (at start {base[mode]:.1f} MB)"
        )
    counts, ignored = expected_counts(items)
    right = all(
        (r["bytes_read"], r["counts"], r["ignored"]) == (size, counts, ignored)
        for r in runs["read_vics"]
    )
    print(f"read_vics counts and bytes read: {'right' if right else 'WRONG'}")
    for floor in ("ijson.parse", "ijson.items"):
        wall = best["read_vics"] / best[floor]
        cpu = best_cpu["read_vics"] / best_cpu[floor]
        print(f"read_vics / {floor}: {wall:.2f}x wall, {cpu:.2f}x cpu")
    # Judged against the faster floor, so the target cannot be met by a slow baseline.
    floor = min(("ijson.parse", "ijson.items"), key=best.__getitem__)
    ratio = best["read_vics"] / best[floor]
    ok = right and ratio <= TARGET_RATIO and peak["read_vics"] < TARGET_RSS_MB
    print(
        f"target: within {TARGET_RATIO}x of bare ijson and under {TARGET_RSS_MB} MB: "
        f"{'met' if ok else 'MISSED'} ({ratio:.2f}x {floor}, {peak['read_vics']:.1f} MB)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
