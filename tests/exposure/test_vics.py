from __future__ import annotations

import hashlib
import io
import json
import pickle
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import ijson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellgate.exposure import vics
from wellgate.exposure.vics import MAPPING_TARGETS, VicsError, VicsSummary, read_vics

DATA = Path(__file__).resolve().parents[1] / "data" / "vics"

# The README's test-only reading of the UK file's codes.
UK = {"1": "A", "2": "B", "3": "C", "4": "not_indecent"}
# Project VIC as used in the US: 0 non-pertinent, 1 CAM, 2 exploitive / age difficult,
# 3 CGI or animation, 4 comparison images.
US = {
    "0": "not_indecent",
    "1": "indecent_ungraded",
    "2": "indecent_ungraded",
    "3": "indecent_ungraded",
    "4": "ignore",
}

MEDIA_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media"
CASES_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases"
V13_MEDIA = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"


def read_sample(name: str, mapping: dict[str, str]) -> VicsSummary:
    with (DATA / name).open("rb") as f:
        return read_vics(f, mapping)


def item(category: Any, mime: Any = "image/jpeg", n: int = 1) -> dict[str, Any]:
    return {
        "MediaID": n,
        "Category": category,
        "MD5": "0" * 32,
        "MimeType": mime,
        "MediaFiles": [{"FileName": f"item{n}.jpg", "FilePath": f"\\\\Export\\\\{n}.jpg"}],
    }


def media_export(items: list[Any], context: str = MEDIA_CONTEXT) -> bytes:
    return json.dumps({"@odata.context": context, "value": items}, indent=1).encode()


def cases_export(cases: list[Any]) -> bytes:
    return json.dumps({"@odata.context": CASES_CONTEXT, "value": cases}, indent=1).encode()


def read_bytes(data: bytes, mapping: dict[str, str] = US, **kwargs: Any) -> VicsSummary:
    return read_vics(io.BytesIO(data), mapping, **kwargs)


def refusal(data: bytes, mapping: dict[str, str] = US, **kwargs: Any) -> VicsError:
    with pytest.raises(VicsError) as caught:
        read_bytes(data, mapping, **kwargs)
    return caught.value


class OneWayStream(io.RawIOBase):
    """An upload that can be read once, like a socket: no seek, no tell."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


# --- The sample files ------------------------------------------------------------------------


def test_us_case_export_gives_the_readme_counts_under_the_us_profile() -> None:
    summary = read_sample("case-v2-us.json", US)

    assert summary.version == "2.0"
    assert summary.scope == "Cases"
    assert summary.case_numbers == ("OP-0011",)
    assert summary.counts == {
        ("indecent_ungraded", "image"): 9 + 10 + 6,
        ("indecent_ungraded", "video"): 2 + 2,
        ("not_indecent", "image"): 8,
        ("uncategorised", "image"): 7,
    }
    assert summary.total_items == 44
    assert summary.ignored_items == 16


def test_v13_case_export_gives_the_readme_counts_under_the_us_profile() -> None:
    summary = read_sample("case-v1.3.json", US)

    assert summary.version == "1.3"
    assert summary.scope == "Cases"
    assert summary.case_numbers == ("OP-0012",)
    assert summary.counts == {
        ("indecent_ungraded", "image"): 13 + 10,
        ("indecent_ungraded", "video"): 1,
        ("not_indecent", "image"): 7,
        ("uncategorised", "image"): 9,
    }
    assert summary.total_items == 40
    assert summary.ignored_items == 0


def test_uk_media_export_gives_the_readme_counts_under_the_uk_mapping() -> None:
    summary = read_sample("media-v2-uk-bom.json", UK)

    assert summary.version == "2.0"
    assert summary.scope == "Media"
    assert summary.case_numbers == ()
    assert summary.counts == {
        ("A", "image"): 12,
        ("A", "video"): 2,
        ("B", "image"): 4,
        ("B", "video"): 1,
        ("C", "image"): 10,
        ("not_indecent", "image"): 10,
        ("uncategorised", "image"): 10,
        ("uncategorised", "video"): 1,
    }
    assert summary.total_items == 50
    assert summary.ignored_items == 0


def test_uk_media_export_under_the_us_profile_ignores_the_comparison_images() -> None:
    summary = read_sample("media-v2-uk-bom.json", US)

    assert summary.counts == {
        ("indecent_ungraded", "image"): 12 + 4 + 10,
        ("indecent_ungraded", "video"): 2 + 1,
        ("uncategorised", "image"): 10,
        ("uncategorised", "video"): 1,
    }
    assert summary.total_items == 40
    assert summary.ignored_items == 10


@pytest.mark.parametrize("name", ["case-v2-us.json", "case-v1.3.json"])
def test_us_exports_under_the_uk_mapping_stop_on_code_zero(name: str) -> None:
    with pytest.raises(VicsError) as caught:
        read_sample(name, UK)

    assert caught.value.code == "vics.unmapped_codes"
    assert caught.value.codes == ("0",)


@pytest.mark.parametrize("name", ["case-v2-us.json", "case-v1.3.json", "media-v2-uk-bom.json"])
def test_hash_and_length_cover_every_byte_of_the_file(name: str) -> None:
    raw = (DATA / name).read_bytes()

    summary = read_sample(name, US)

    assert summary.sha256 == hashlib.sha256(raw).hexdigest()
    assert summary.bytes_read == len(raw)


# --- Byte-order mark -------------------------------------------------------------------------


def test_byte_order_mark_is_skipped_for_parsing_but_hashed() -> None:
    with_bom = (DATA / "media-v2-uk-bom.json").read_bytes()
    assert with_bom.startswith(b"\xef\xbb\xbf")
    without_bom = with_bom[3:]

    first = read_bytes(with_bom, UK)
    second = read_bytes(without_bom, UK)

    assert first.counts == second.counts
    assert first.bytes_read == second.bytes_read + 3
    assert first.sha256 != second.sha256


def test_byte_order_mark_split_across_reads_is_still_recognised() -> None:
    class Trickle(OneWayStream):
        def read(self, size: int = -1) -> bytes:
            return super().read(1)

    data = b"\xef\xbb\xbf" + media_export([item(1)])

    summary = read_vics(Trickle(data), UK)

    assert summary.counts == {("A", "image"): 1}
    assert summary.bytes_read == len(data)


def test_utf16_file_is_refused_with_advice_to_save_as_utf8() -> None:
    error = refusal(media_export([item(1)]).decode().encode("utf-16"))

    assert error.code == "vics.not_json"
    assert error.offset == 0
    assert "UTF-8" in error.message


# --- Damaged files ---------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 40, 150, 5_000, 29_000, -2, -1])
def test_truncated_file_names_the_byte_where_it_ends(cut: int) -> None:
    whole = (DATA / "case-v2-us.json").read_bytes()
    part = whole[:cut]

    error = refusal(part)

    assert error.code == "vics.truncated"
    assert error.offset == len(part)
    assert f"{len(part):,}" in error.message


def test_truncated_file_is_recognised_in_a_stream_that_cannot_seek() -> None:
    part = (DATA / "case-v1.3.json").read_bytes()[:12_345]

    with pytest.raises(VicsError) as caught:
        read_vics(OneWayStream(part), US)

    assert caught.value.code == "vics.truncated"
    assert caught.value.offset == 12_345


def test_empty_file_is_refused_as_empty() -> None:
    for data in (b"", b"\xef\xbb\xbf", b" \r\n\t "):
        error = refusal(data)

        assert error.code == "vics.not_json"
        assert "empty" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04" + bytes(100),
        b"<!DOCTYPE html><html><body>Export</body></html>",
        b"MediaID,Category,MD5\n1,2,00\n",
    ],
)
def test_file_that_is_not_json_is_refused_at_its_first_byte(data: bytes) -> None:
    error = refusal(data)

    assert error.code == "vics.not_json"
    assert error.offset == 0
    assert "not JSON" in error.message


def test_damage_deep_in_a_large_file_is_located_to_the_byte() -> None:
    data = bytearray(media_export([item(n % 5, n=n) for n in range(4_000)]))
    assert len(data) > 4 * 64 * 1024  # several of the parser's chunks
    damaged_at = data.index(b'"MimeType"', 3 * len(data) // 4) + len(b'"MimeType"')
    assert data[damaged_at : damaged_at + 1] == b":"
    data[damaged_at : damaged_at + 1] = b";"

    error = refusal(bytes(data))

    assert error.code == "vics.not_json"
    assert error.offset == damaged_at
    assert f"byte {damaged_at:,}" in error.message


def test_damage_in_a_stream_that_cannot_seek_names_the_chunk_around_it() -> None:
    data = bytearray(media_export([item(n % 5, n=n) for n in range(4_000)]))
    damaged_at = data.index(b"{", len(data) // 2)
    data[damaged_at] = ord("?")

    with pytest.raises(VicsError) as caught:
        read_vics(OneWayStream(bytes(data)), US)

    assert caught.value.code == "vics.not_json"
    assert caught.value.offset is None
    assert "bytes" in caught.value.message


def test_text_after_the_export_is_damage() -> None:
    data = media_export([item(1)])

    error = refusal(data + b"\n}")

    assert error.code == "vics.not_json"
    assert error.offset == len(data) + 1


def test_message_never_quotes_the_file() -> None:
    secret = b"C:\\\\Evidence\\\\victim-name.jpg"
    data = media_export([item(1)]).replace(b'"MD5"', b'"MD5" ' + secret)

    error = refusal(data)

    assert error.code == "vics.not_json"
    assert b"victim" not in error.message.encode()
    assert error.__context__ is None
    assert error.__cause__ is None


# --- Valid JSON that is not an export ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"[1, 2, 3]",
        b'"a string"',
        b"{}",
        b'{"value": []}',
        b'{"name": "not an export", "items": [{"Category": 1}]}',
        json.dumps({"@odata.context": MEDIA_CONTEXT}).encode(),
        json.dumps({"value": [], "@odata.context": MEDIA_CONTEXT}).encode(),
        json.dumps({"@odata.context": 2, "value": []}).encode(),
        json.dumps({"@odata.context": MEDIA_CONTEXT, "value": {"item": {}}}).encode(),
        json.dumps({"@odata.context": MEDIA_CONTEXT, "value": [1, 2]}).encode(),
        json.dumps({"@odata.context": MEDIA_CONTEXT, "value": [None]}).encode(),
        json.dumps({"@odata.context": MEDIA_CONTEXT, "value": [[item(1)]]}).encode(),
        json.dumps({"@odata.context": CASES_CONTEXT, "value": ["OP-1"]}).encode(),
        json.dumps({"@odata.context": CASES_CONTEXT, "value": [{"Media": {"item": {}}}]}).encode(),
        json.dumps({"@odata.context": CASES_CONTEXT, "value": [{"Media": [3]}]}).encode(),
        media_export([], context="https://example.org/odata/$metadata#People"),
        media_export([], context=MEDIA_CONTEXT.replace("#Media", "#Series")),
    ],
)
def test_valid_json_that_is_not_an_export_is_refused(data: bytes) -> None:
    error = refusal(data)

    assert error.code == "vics.wrong_shape"
    assert "not a grading-tool case export" in error.message


@pytest.mark.parametrize("category", [True, 1.5, "", {"code": 1}, [1]])
def test_category_that_is_not_a_whole_number_is_refused(category: Any) -> None:
    error = refusal(media_export([item(1), item(category)]))

    assert error.code == "vics.wrong_shape"
    assert "Category" in error.message


def test_deeply_nested_file_is_refused_without_running_out_of_memory() -> None:
    depth = 500_000
    data = media_export([item(1)]).replace(
        b'"MD5"', b'"x": ' + b"[" * depth + b"]" * depth + b',"MD5"'
    )

    tracemalloc.start()
    try:
        error = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert error.code == "vics.wrong_shape"
    assert "levels deep" in error.message
    assert peak < 20 * 1024 * 1024


# --- Versions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "url", "version"),
    [
        ("odata.metadata", "http://github.com/ICMEC/ProjectVic/DataModels/1.1.xml#Media", "1.1"),
        ("odata.metadata", V13_MEDIA, "1.3"),
        ("@odata.context", MEDIA_CONTEXT.replace("/UK/", "/Default/"), "2.0"),
    ],
)
def test_version_is_read_from_either_metadata_member(key: str, url: str, version: str) -> None:
    data = json.dumps({key: url, "value": [item(2)]}).encode()

    summary = read_bytes(data, UK)

    assert summary.version == version
    assert summary.counts == {("B", "image"): 1}


@pytest.mark.parametrize(
    "url",
    [
        MEDIA_CONTEXT.replace("2.0.xml", "3.0.xml"),
        MEDIA_CONTEXT.replace("2.0.xml", "2.1.xml"),
        "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/latest/$metadata#Media",
    ],
)
def test_unknown_version_is_refused(url: str) -> None:
    error = refusal(media_export([item(1)], context=url))

    assert error.code == "vics.unknown_version"
    assert "version" in error.message


# --- Category codes and media kinds --------------------------------------------------------------


def test_every_unmapped_code_in_the_file_is_listed_in_numeric_order() -> None:
    items = [item(12), item(1)] + [item(n % 4 + 1) for n in range(2_000)] + [item(9), item(12)]
    data = media_export(items)

    error = refusal(data, UK)

    assert error.code == "vics.unmapped_codes"
    assert error.codes == ("9", "12")
    assert "9, 12" in error.message


def test_unmapped_codes_wait_until_the_whole_file_is_known_to_be_sound() -> None:
    data = media_export([item(7)] + [item(1)] * 100)

    error = refusal(data[:-20], UK)

    assert error.code == "vics.truncated"


def test_null_and_missing_categories_are_uncategorised_whatever_the_mapping() -> None:
    no_category = item(1)
    del no_category["Category"]

    summary = read_bytes(media_export([item(None), no_category]), {})

    assert summary.counts == {("uncategorised", "image"): 2}
    assert summary.total_items == 2


def test_categories_written_as_text_are_read_like_numbers() -> None:
    summary = read_bytes(media_export([item("1"), item(" 2 "), item(3), item(3.0)]), UK)

    assert summary.counts == {("A", "image"): 1, ("B", "image"): 1, ("C", "image"): 2}


def test_every_mapping_target_is_counted_and_ignore_is_left_out() -> None:
    mapping = dict(zip("012345", MAPPING_TARGETS, strict=True))

    summary = read_bytes(media_export([item(n) for n in range(6)] + [item(5)]), mapping)

    assert summary.counts == {
        ("A", "image"): 1,
        ("B", "image"): 1,
        ("C", "image"): 1,
        ("indecent_ungraded", "image"): 1,
        ("not_indecent", "image"): 1,
    }
    assert summary.total_items == 5
    assert summary.ignored_items == 2


def test_media_kind_comes_from_the_mime_type() -> None:
    mimes = ["image/png", "IMAGE/JPEG", "video/mp4", "audio/mpeg", "text/plain", "", None, 7]
    items = [item(1, mime) for mime in mimes]
    items.append({"Category": 1})

    summary = read_bytes(media_export(items), UK)

    assert summary.counts == {
        ("A", "image"): 2,
        ("A", "video"): 1,
        ("A", "audio"): 1,
        ("A", "other"): 5,
    }


def test_mapping_to_an_unknown_target_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Category code '1'"):
        read_bytes(media_export([item(1)]), {"1": "D"})


# --- Cases ---------------------------------------------------------------------------------------


def test_case_numbers_are_collected_once_each_in_file_order() -> None:
    cases = [
        {"CaseNumber": "OP-2", "Media": [item(1), item(2)]},
        {"CaseNumber": "OP-1", "Media": []},
        {"CaseNumber": "OP-2", "Media": [item(3)]},
        {"CaseNumber": None, "Media": None},
        {"Media": [item(4, "video/avi")]},
    ]

    summary = read_bytes(cases_export(cases), UK)

    assert summary.case_numbers == ("OP-2", "OP-1")
    assert summary.counts == {
        ("A", "image"): 1,
        ("B", "image"): 1,
        ("C", "image"): 1,
        ("not_indecent", "video"): 1,
    }


def test_only_items_in_a_case_media_list_are_counted() -> None:
    cases = [
        {
            "CaseNumber": "OP-3",
            "Series": [{"Category": 1, "MimeType": "image/png"}],
            "Notes": {"Category": 2},
            "Media": [
                {"Category": 3, "MimeType": "image/png", "MediaFiles": [{"Category": 1}]},
            ],
            "Tags": [{"Category": 1}],
        }
    ]

    summary = read_bytes(cases_export(cases), UK)

    assert summary.counts == {("C", "image"): 1}


def test_only_the_item_own_fields_are_read_in_a_media_export() -> None:
    nested = item(3)
    nested["MediaFiles"] = [{"Category": 1, "MimeType": "video/mp4"}]
    nested["Extra"] = {"Category": 1}

    summary = read_bytes(media_export([nested]), UK)

    assert summary.counts == {("C", "image"): 1}


def test_other_top_level_members_are_skipped_whatever_they_hold() -> None:
    decoy = {"value": [{"Category": 9}], "odata.metadata": "#Cases", "deep": [[[{"a": []}]]]}
    data = json.dumps(
        {"odata.count": 2, "@odata.context": MEDIA_CONTEXT, "extra": decoy, "value": [item(1)]}
        | {"after": decoy}
    ).encode()

    summary = read_bytes(data, UK)

    assert summary.scope == "Media"
    assert summary.counts == {("A", "image"): 1}


def test_nested_values_in_items_and_cases_are_passed_over() -> None:
    deep = {"a": [{"b": [[{"Category": 9}], None, True, 1.5, "x"]}]}
    cases = [
        {
            "CaseNumber": "OP-4",
            "Offender": deep,
            "Media": [item(1) | {"Extra": deep, "Empty": [], "None": None}],
            "Series": [deep, [deep]],
        }
    ]

    summary = read_bytes(cases_export(cases), UK)
    media = read_bytes(media_export([item(2) | {"Extra": deep}, item(3)]), UK)

    assert summary.counts == {("A", "image"): 1}
    assert media.counts == {("B", "image"): 1, ("C", "image"): 1}


# Anything JSON can hold, for the members Wellgate must pass over.
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
media_items = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "Category": st.none() | st.sampled_from([0, 1, 2, 3, 4, "2"]),
            "MimeType": st.none()
            | st.sampled_from(["image/png", "video/mp4", "audio/x", "x/y", ""]),
            "MediaFiles": junk,
            "Other": junk,
        },
    ),
    max_size=6,
)


def expected_counts(items: list[dict[str, Any]], mapping: dict[str, str]) -> dict[Any, int]:
    """What read_vics should say, worked out from the whole document in memory."""
    counts: Counter[tuple[str, str]] = Counter()
    for media in items:
        code = media.get("Category")
        target = "uncategorised" if code is None else mapping[str(code)]
        major = str(media.get("MimeType") or "").partition("/")[0]
        if target != "ignore":
            counts[(target, major if major in ("image", "video", "audio") else "other")] += 1
    return dict(counts)


@settings(max_examples=100, deadline=None)
@given(
    cases=st.lists(
        st.fixed_dictionaries(
            {"Media": media_items},
            optional={"CaseNumber": st.sampled_from(["OP-1", "OP-2"]), "Extra": junk},
        ),
        max_size=3,
    ),
    media=media_items,
    indent=st.sampled_from([None, 0, 2]),
)
def test_counts_agree_with_reading_the_whole_document(
    cases: list[dict[str, Any]], media: list[dict[str, Any]], indent: int | None
) -> None:
    as_cases = {"@odata.context": CASES_CONTEXT, "value": cases}
    as_media = {"@odata.context": MEDIA_CONTEXT, "value": media}

    from_cases = read_bytes(json.dumps(as_cases, indent=indent).encode())
    from_media = read_bytes(json.dumps(as_media, indent=indent).encode())

    all_media = [m for case in cases for m in case["Media"]]
    assert from_cases.counts == expected_counts(all_media, US)
    assert from_media.counts == expected_counts(media, US)
    numbers = [case["CaseNumber"] for case in cases if "CaseNumber" in case]
    assert from_cases.case_numbers == tuple(dict.fromkeys(numbers))


# --- Limits ---------------------------------------------------------------------------------------


def test_stream_longer_than_max_bytes_is_refused() -> None:
    data = (DATA / "case-v2-us.json").read_bytes()

    error = refusal(data, max_bytes=len(data) - 1)

    assert error.code == "vics.too_large"
    assert f"{len(data) - 1:,}" in error.message


def test_stream_exactly_max_bytes_long_is_read() -> None:
    data = (DATA / "case-v2-us.json").read_bytes()

    summary = read_bytes(data, max_bytes=len(data))

    assert summary.bytes_read == len(data)


def test_max_bytes_stops_reading_early() -> None:
    stream = io.BytesIO(media_export([item(1)] * 5_000))

    with pytest.raises(VicsError) as caught:
        read_vics(stream, US, max_bytes=100_000)

    assert caught.value.code == "vics.too_large"
    assert stream.tell() < 300_000


# --- A long export, read in flat memory ------------------------------------------------------------
# Files of hundreds of megabytes, timed against bare ijson with the process's peak RSS, are
# bench/vics_import.py's; here a few megabytes show that memory does not grow with the file.

_MIMES = ("image/jpeg", "image/png", "video/mp4", "image/gif", "audio/mpeg")
_CODES = (0, 1, 2, 3, 4, None)
_HEAD = b'{"@odata.context": "' + MEDIA_CONTEXT.encode() + b'", "value": [\n'
_TAIL = b"\n]}\n"


def _block(items: int) -> tuple[bytes, Counter[tuple[Any, str]]]:
    """A run of VICS 2.0 items shaped like a Griffeye export, and its (code, mime) counts."""
    parts, counts = [], Counter[tuple[Any, str]]()
    for n in range(items):
        code, mime = _CODES[n % len(_CODES)], _MIMES[n % len(_MIMES)]
        counts[(code, mime)] += 1
        digest = hashlib.sha1(str(n).encode()).hexdigest()
        path = "\\\\".join(["Evidence", "Exhibit-07", "Users", "someone", "AppData"] * 12)
        parts.append(
            json.dumps(
                {
                    "MediaID": n,
                    "Category": code,
                    "MD5": digest[:32],
                    "SHA1": digest,
                    "PhotoDNA": (digest * 6)[:192],
                    "MediaSize": 1000 + n,
                    "MimeType": mime,
                    # Long free text keeps the event count, and so the test's time, down.
                    "Comments": f"Reviewed {digest}. " * 24,
                    "MediaFiles": [
                        {"FileName": f"{digest}.jpg", "FilePath": f"{path}\\\\{digest}.jpg"},
                        {"FileName": f"{digest}.jpg", "FilePath": f"{path}\\\\copy.jpg"},
                    ],
                },
                indent=1,
            )
        )
    return ",\n".join(parts).encode(), counts


class RepeatedExport(io.RawIOBase):
    """A #Media export of ``repeats`` copies of one block, made as it is read, so that the
    test holds one block and never the whole file."""

    def __init__(self, block: bytes, repeats: int) -> None:
        self._parts = iter([_HEAD, block] + [b",\n", block] * (repeats - 1) + [_TAIL])
        self._pending = memoryview(b"")
        self.size = len(_HEAD) + repeats * len(block) + (repeats - 1) * 2 + len(_TAIL)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            part = next(self._parts, None)
            if part is None:
                return 0
            self._pending = memoryview(part)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _read_traced(stream: RepeatedExport) -> tuple[VicsSummary, int]:
    tracemalloc.start()
    try:
        summary = read_vics(stream, US)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return summary, peak


def test_a_long_export_is_read_in_flat_memory() -> None:
    block, block_counts = _block(100)
    short, long = RepeatedExport(block, 2), RepeatedExport(block, 24)
    assert long.size > 6 * 1024 * 1024

    _, short_peak = _read_traced(short)
    summary, long_peak = _read_traced(long)

    # Twelve times the file, the same memory: nothing held grows with what was read.
    assert long_peak < short_peak + 256 * 1024, f"peaks {short_peak:,} and {long_peak:,} bytes"
    assert long_peak < long.size // 8
    assert summary.bytes_read == long.size
    kinds = {"image/jpeg": "image", "image/png": "image", "image/gif": "image"}
    kinds |= {"video/mp4": "video", "audio/mpeg": "audio"}
    want: Counter[tuple[str, str]] = Counter()
    for (code, mime), n in block_counts.items():
        if code != 4:
            category = "uncategorised" if code is None else US[str(code)]
            want[(category, kinds[mime])] += n * 24
    assert summary.counts == dict(want)
    assert summary.ignored_items == 24 * sum(
        n for (code, _), n in block_counts.items() if code == 4
    )


# --- Backends and errors ----------------------------------------------------------------------------


def test_pure_python_backend_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_sample("case-v2-us.json", US)
    monkeypatch.setattr(vics, "_BACKEND", ijson.get_backend("python"))

    slow = read_sample("case-v2-us.json", US)
    truncated = refusal((DATA / "case-v2-us.json").read_bytes()[:999])

    assert slow == fast
    assert truncated.code == "vics.truncated"
    assert truncated.offset == 999


def test_the_fast_backend_is_used_when_installed() -> None:
    assert vics._BACKEND.backend_name == "yajl2_c"


def test_errors_keep_their_fields_across_processes() -> None:
    error = VicsError("vics.unmapped_codes", "Codes 7, 9.", codes=("7", "9"))

    copy = pickle.loads(pickle.dumps(error))

    assert (copy.code, copy.message, copy.offset, copy.codes) == (
        "vics.unmapped_codes",
        "Codes 7, 9.",
        None,
        ("7", "9"),
    )
    assert str(copy) == "Codes 7, 9."
