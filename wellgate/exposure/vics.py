"""Streaming reader for grading-tool case exports (VICS / Project VIC JSON).

Griffeye and similar tools write a case as OData JSON: version 1.x names its data model in
``odata.metadata``, 2.0 in ``@odata.context``; the URL ends ``#Cases`` (``value[*].Media[*]``)
or ``#Media`` (items directly in ``value[*]``). Exports run to gigabytes, so the file is
streamed through ijson's basic event API and only three things are looked at: each item's
``Category`` and ``MimeType`` and each case's ``CaseNumber``. Hashes, paths, file names and
everything else pass through the parser and are dropped at once.

Pure: no Django, no database, no clock. Either a complete ``VicsSummary`` comes back or a
``VicsError`` is raised; nothing is returned half-read.
"""

from __future__ import annotations

import ast
import collections
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

import ijson

MAPPING_TARGETS = ("A", "B", "C", "indecent_ungraded", "not_indecent", "ignore")
UNCATEGORISED = "uncategorised"
KINDS = ("image", "video", "audio", "other")
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "2.0")
SCOPES = ("Cases", "Media")

try:
    _BACKEND: Any = ijson.get_backend("yajl2_c")
except ImportError:  # no compiled extension: ijson's own choice of the best backend left
    _BACKEND = ijson

_READ_SIZE = 64 * 1024
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_WHITESPACE = b" \t\r\n"
_CONTEXT_KEYS = ("@odata.context", "odata.metadata")
_DATA_MODEL = re.compile(r"/DataModels/(?P<version>\d+(?:\.\d+)*)\.xml\b", re.IGNORECASE)
# Real exports nest about eight deep; a cap keeps a hostile file from exhausting the parser.
_MAX_DEPTH = 64
# Distinct (Category, media type) pairs: a real export has a few dozen.
_MAX_DISTINCT = 10_000
_MAX_CASES = 1_000
_CATEGORY_ORDER = (*MAPPING_TARGETS[:-1], UNCATEGORISED)


@dataclass(frozen=True)
class VicsSummary:
    """What a grading-tool export holds, by mapped category and media kind."""

    version: str
    scope: str
    case_numbers: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    total_items: int
    ignored_items: int
    sha256: str
    bytes_read: int


class VicsError(Exception):
    """An export that cannot be read; ``code`` is stable, ``message`` is for people."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        offset: int | None = None,
        codes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset
        self.codes = codes

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (self.code, self.message, self.offset, self.codes))

    def __str__(self) -> str:
        return self.message


def _rebuild_error(
    code: str, message: str, offset: int | None, codes: tuple[str, ...]
) -> VicsError:
    return VicsError(code, message, offset=offset, codes=codes)


def read_vics(
    stream: BinaryIO, mapping: Mapping[str, str], *, max_bytes: int | None = None
) -> VicsSummary:
    """Count the items of a VICS / Project VIC export by mapped category and media kind.

    ``mapping`` takes the export's category codes (strings: ``"0"``, ``"1"``…) to one of
    ``MAPPING_TARGETS``; ``null`` categories count as ``"uncategorised"`` whatever the
    mapping. Reads ``stream`` to the end in constant memory. Raises ``VicsError`` when the
    file is not JSON, is cut short, is not an export, declares an unknown version, is longer
    than ``max_bytes`` or uses codes the mapping lacks (all of them listed); ``ValueError``
    when the mapping itself names an unknown target.
    """
    table = _mapping_table(mapping)
    start = _tell(stream)
    source = _Source(stream, max_bytes=max_bytes)
    events = _BACKEND.basic_parse(source, buf_size=_READ_SIZE)
    raw: dict[tuple[Any, str], int] = {}
    case_numbers: list[str] = []
    try:
        version, scope = _read_header(events)
        if scope == "Media":  # the items are the maps in "value", at depth 2
            _tally_items(events, raw, depth=2)
        else:
            _scan_cases(events, raw, case_numbers)
        # The rest must still parse (trailing damage is damage) and be hashed.
        collections.deque(events, maxlen=0)
    except ijson.JSONError as exc:
        reason = _reason(exc)
    else:
        counts, total, ignored = _apply_mapping(raw, table)
        return VicsSummary(
            version=version,
            scope=scope,
            case_numbers=tuple(case_numbers),
            counts=counts,
            total_items=total,
            ignored_items=ignored,
            sha256=source.hexdigest(),
            bytes_read=source.bytes_read,
        )
    # Raised outside the except block so the parser's message, which quotes the file's
    # bytes, is not chained onto the error.
    raise _parse_failure(reason, stream, start, source)


# --- Reading bytes -------------------------------------------------------------------------


class _Source:
    """The file as the parser sees it: a leading BOM dropped, every byte hashed and counted.

    With ``slow_from`` set it hands out single bytes from that offset on, so that a second
    pass can tell exactly which byte the parser choked on.
    """

    def __init__(
        self, raw: BinaryIO, *, max_bytes: int | None, slow_from: int | None = None
    ) -> None:
        self._raw = raw
        self._max_bytes = max_bytes
        self._slow_from = slow_from
        self._sha256 = hashlib.sha256() if slow_from is None else None
        self._pending = b""
        self._started = False
        self.bytes_read = 0  # taken from the stream, BOM included
        self.position = 0  # offset in the file of the next byte handed to the parser
        self.chunk_start = 0  # offset of the last chunk handed to the parser
        self.at_eof = False
        self.first_byte = 0  # offset of the first byte that is not a BOM or white space
        self._blank_head = False
        self._head_end = 0

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if not self._started:
            self._start()
        if size < 0:
            size = _READ_SIZE
        if self._slow_from is not None:
            ahead = self._slow_from - self.position
            size = min(size, ahead) if ahead > 0 else 1
        if self._pending:
            data = self._pending[:size]
            self._pending = self._pending[size:]
        else:
            data = self._take(size)
        self.chunk_start = self.position
        self.position += len(data)
        return data

    @property
    def blank(self) -> bool:
        """Whether the whole stream was a BOM and white space, or nothing at all."""
        return self._blank_head and self.at_eof and self.bytes_read == self._head_end

    def hexdigest(self) -> str:
        assert self._sha256 is not None
        return self._sha256.hexdigest()

    def _start(self) -> None:
        self._started = True
        head = b""
        # A short first read must not hide a BOM split across reads.
        while len(head) < len(_BOM):
            data = self._take(_READ_SIZE)
            if not data:
                break
            head += data
        if head.startswith(_UTF16_BOMS):
            raise VicsError(
                "vics.not_json",
                "The file is saved as UTF-16 text; grading-tool exports are UTF-8 JSON. "
                "Export the case again from the grading tool, or save the file as UTF-8.",
                offset=0,
            )
        if head.startswith(_BOM):
            head = head[len(_BOM) :]
            self.position = len(_BOM)
        self._pending = head
        content = head.lstrip(_WHITESPACE)
        self.first_byte = self.position + len(head) - len(content)
        self._blank_head = not content
        self._head_end = self.bytes_read

    def _take(self, size: int) -> bytes:
        data = self._raw.read(size)
        if not data:
            self.at_eof = True
            return b""
        self.bytes_read += len(data)
        if self._max_bytes is not None and self.bytes_read > self._max_bytes:
            raise VicsError(
                "vics.too_large",
                f"The file is larger than the {self._max_bytes:,}-byte limit for an import. "
                "Export a smaller case, or ask an administrator to raise the limit.",
            )
        if self._sha256 is not None:
            self._sha256.update(data)
        return data


def _tell(stream: BinaryIO) -> int | None:
    try:
        return stream.tell() if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


# --- Reading events ------------------------------------------------------------------------


def _read_header(events: Iterator[tuple[str, Any]]) -> tuple[str, str]:
    """Consume events up to the opening of the ``value`` list; return (version, scope)."""
    context: tuple[str, str] | None = None
    opened = False
    key = None
    for event, value in events:
        if not opened:
            if event != "start_map":
                raise _shape("it holds a JSON list or a single value, not an object")
            opened = True
        elif event == "map_key":
            key = value
        elif event == "end_map":
            break
        elif key == "value":
            if event != "start_array":
                raise _shape("its 'value' member is not a list")
            if context is None:
                raise _shape("it has no 'odata.metadata' or '@odata.context' member before 'value'")
            return _parse_context(*context)
        elif event == "start_map" or event == "start_array":
            _skip(events, 2)
        elif key in _CONTEXT_KEYS:
            if event != "string":
                raise _shape(f"its '{key}' member is not a URL")
            context = (key, value)
    if context is None:
        raise _shape("it has no 'odata.metadata' or '@odata.context' member")
    raise _shape("it has no 'value' list of cases or media")


def _parse_context(key: str, url: str) -> tuple[str, str]:
    """The data model version and scope named by the OData context URL."""
    found = _DATA_MODEL.search(url)
    if found is None:
        if "projectvic" in url.lower():
            raise VicsError(
                "vics.unknown_version",
                f"The file's '{key}' does not say which VICS data model version it uses. "
                f"Export the case again choosing VICS {' or '.join(SUPPORTED_VERSIONS[-2:])}.",
            )
        raise _shape(f"its '{key}' does not name the Project VIC data model")
    version = found["version"]
    if version not in SUPPORTED_VERSIONS:
        raise VicsError(
            "vics.unknown_version",
            f"The file uses VICS data model version {version}, which Wellgate cannot read "
            f"(it reads {', '.join(SUPPORTED_VERSIONS)}). Export the case again choosing "
            "one of those versions, or ask an administrator to add support.",
        )
    fragment = url.partition("#")[2].split("/")[0].strip()
    scope = next((s for s in SCOPES if s.lower() == fragment.lower()), None)
    if scope is None:
        raise _shape(f"its '{key}' ends in '#{fragment[:40]}' rather than '#Cases' or '#Media'")
    return version, scope


def _scan_cases(
    events: Iterator[tuple[str, Any]],
    raw: dict[tuple[Any, str], int],
    case_numbers: list[str],
) -> None:
    """Tally a ``#Cases`` export: cases in ``value`` (depth 2), items in each ``Media``.

    Reads each case's own members one event at a time (there are few), hands its ``Media``
    list (depth 4) to ``_tally_items`` and skips every other nested value whole.
    """
    in_case = False
    case_key: str | None = None
    for event, value in events:
        if in_case:
            if event == "map_key":
                case_key = value
            elif event == "start_array" and case_key == "Media":
                _tally_items(events, raw, depth=4)
            elif case_key == "Media" and event == "start_map":
                raise _shape("a case's 'Media' member is not a list")
            elif event == "start_map" or event == "start_array":
                _skip(events, 4)
            elif event == "end_map":
                in_case = False
            elif case_key == "CaseNumber" and value is not None:
                _note_case_number(case_numbers, value)
        elif event == "start_map":
            in_case = True
            case_key = None
        elif event == "end_array":
            return
        else:
            raise _shape("a case in its 'value' list is not an object")


def _tally_items(
    events: Iterator[tuple[str, Any]], raw: dict[tuple[Any, str], int], *, depth: int
) -> None:
    """Tally the items of a list at ``depth`` whose opening has just been read.

    This loop sees most events of a multi-gigabyte file. Inside an item, members come as
    (map_key, value) pairs, so events are taken two at a time: a pair whose first half is
    not a key is an item's end and the next item's start (or the list's end). Nested
    values are skipped whole; nothing is called per event.
    """
    kind_of: dict[Any, str] = {}
    event, value = next(events)
    if event == "end_array":
        return
    if event != "start_map":
        raise _not_an_item(depth)
    code: Any = None
    mime: Any = None
    for (_, key), (event, value) in zip(events, events, strict=False):
        if key is not None:  # a member: key and the first event of its value
            if value is not None:
                if key == "Category":
                    if event == "boolean":
                        raise _bad_category()
                    code = value
                elif key == "MimeType":
                    mime = value
            elif event == "null":
                if key == "Category":
                    code = None
                elif key == "MimeType":
                    mime = None
            elif key == "Category":
                raise _bad_category()
            else:
                _skip(events, depth + 2)
        else:  # an item's end_map, then what follows it
            kind = kind_of.get(mime)
            if kind is None:
                kind = _kind(mime, kind_of)
            tally = (code, kind)
            n = raw.get(tally)
            if n is None:
                if len(raw) >= _MAX_DISTINCT:
                    raise _too_varied()
                n = 0
            raw[tally] = n + 1
            if event == "start_map":
                code = mime = None
            elif event == "end_array":
                return
            else:
                raise _not_an_item(depth)


def _not_an_item(depth: int) -> VicsError:
    where = "its 'value' list" if depth == 2 else "a case's 'Media' list"
    return _shape(f"an entry in {where} is not an object")


def _skip(events: Iterator[tuple[str, Any]], depth: int) -> None:
    """Consume the rest of a container just opened at ``depth``: nothing in it is read."""
    inside = 1
    for event, value in events:
        if value is None:
            if event == "start_map" or event == "start_array":
                inside += 1
                if depth + inside > _MAX_DEPTH:
                    raise _too_deep()
            elif event == "end_map" or event == "end_array":
                inside -= 1
                if inside == 0:
                    return


def _note_case_number(case_numbers: list[str], value: Any) -> None:
    number = str(value).strip()
    if number and number not in case_numbers:
        if len(case_numbers) >= _MAX_CASES:
            raise VicsError(
                "vics.too_large",
                f"The file holds more than {_MAX_CASES:,} cases. "
                "Export the case you want on its own and import that.",
            )
        case_numbers.append(number)


def _kind(mime: Any, cache: dict[Any, str]) -> str:
    """``image``, ``video``, ``audio`` or ``other`` from a MIME type such as ``image/jpeg``."""
    major = mime.partition("/")[0].strip().lower() if isinstance(mime, str) else ""
    kind = major if major in KINDS[:-1] else "other"
    if len(cache) < 256:
        cache[mime] = kind
    return kind


# --- Mapping -------------------------------------------------------------------------------


def _mapping_table(mapping: Mapping[str, str]) -> dict[str, str]:
    table = {}
    for code, target in mapping.items():
        if target not in MAPPING_TARGETS:
            raise ValueError(
                f"Category code {code!r} is mapped to {target!r}; "
                f"map it to one of {', '.join(MAPPING_TARGETS)}."
            )
        table[str(code).strip()] = target
    return table


def _apply_mapping(
    raw: dict[tuple[Any, str], int], table: dict[str, str]
) -> tuple[dict[tuple[str, str], int], int, int]:
    """(counts, total_items, ignored_items); every unmapped code is reported at once."""
    merged: collections.Counter[tuple[str, str]] = collections.Counter()
    unmapped: set[str] = set()
    ignored = 0
    for (value, kind), n in raw.items():
        if value is None:
            merged[(UNCATEGORISED, kind)] += n
            continue
        code = _code_text(value)
        target = table.get(code)
        if target is None:
            unmapped.add(code)
        elif target == "ignore":
            ignored += n
        else:
            merged[(target, kind)] += n
    if unmapped:
        codes = tuple(sorted(unmapped, key=_code_order))
        raise VicsError(
            "vics.unmapped_codes",
            f"The file uses category {'codes' if len(codes) > 1 else 'code'} "
            f"{', '.join(codes)}, which the force's category mapping does not cover. "
            f"Add {'them' if len(codes) > 1 else 'it'} to the mapping (as a category, "
            "not indecent, or ignore) and import the file again; nothing has been saved.",
            codes=codes,
        )
    counts = {
        key: merged[key]
        for key in sorted(merged, key=lambda k: (_CATEGORY_ORDER.index(k[0]), KINDS.index(k[1])))
    }
    return counts, sum(counts.values()), ignored


def _code_text(value: Any) -> str:
    """A Category value as the mapping's key: ``3`` and ``"3"`` both become ``"3"``."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _bad_category()


def _code_order(code: str) -> tuple[int, int, str]:
    digits = code.removeprefix("-")
    return (0, int(code), "") if digits.isascii() and digits.isdigit() else (1, 0, code)


# --- Errors --------------------------------------------------------------------------------


def _shape(problem: str) -> VicsError:
    return VicsError(
        "vics.wrong_shape",
        f"The file is JSON but not a grading-tool case export: {problem}. "
        "Choose the VICS / Project VIC JSON file the grading tool exported.",
    )


def _bad_category() -> VicsError:
    return _shape("an item's 'Category' is not a whole number or null")


def _too_deep() -> VicsError:
    return _shape(f"it nests more than {_MAX_DEPTH} levels deep")


def _too_varied() -> VicsError:
    return _shape(
        f"it has more than {_MAX_DISTINCT:,} different combinations of category and media type"
    )


def _reason(exc: Exception) -> str:
    """The parser's one-line reason, without the excerpt of the file it appends."""
    text = str(exc)
    if text[:2] in ("b'", 'b"'):  # the C parser's message when the excerpt is not UTF-8
        try:
            text = ast.literal_eval(text).decode("utf-8", "replace")
        except (ValueError, SyntaxError):
            text = ""
    return text.split("\n", 1)[0].strip().rstrip(".")[:80]


def _is_premature_end(reason: str) -> bool:
    return "premature EOF" in reason or reason.startswith("Incomplete")


def _parse_failure(reason: str, stream: BinaryIO, start: int | None, source: _Source) -> VicsError:
    if source.blank:
        return VicsError(
            "vics.not_json",
            "The file is empty. Choose the JSON file the grading tool exported.",
            offset=source.bytes_read,
        )
    if source.at_eof and _is_premature_end(reason):
        end = source.bytes_read
        return VicsError(
            "vics.truncated",
            f"The file ends part-way through, at byte {end:,}: the export or the upload was "
            "cut short. Upload the complete file again.",
            offset=end,
        )
    offset = _locate_failure(stream, start, source.chunk_start)
    if offset is None:  # the stream cannot be read again: name the chunk instead
        if source.chunk_start < source.position:
            where = f"somewhere in bytes {source.chunk_start:,} to {source.position:,}"
        else:
            where = f"at byte {source.position:,}"
    elif offset == source.first_byte:
        return VicsError(
            "vics.not_json",
            "The file is not JSON (it does not start with '{'). Choose the VICS / Project "
            "VIC JSON file the grading tool exported.",
            offset=offset,
        )
    else:
        where = f"at byte {offset:,}"
    detail = f" ({reason})" if reason else ""
    return VicsError(
        "vics.not_json",
        f"The file stops being valid JSON {where}{detail}: it is damaged or is not a "
        "grading-tool export. Export the case again and upload the new file.",
        offset=offset,
    )


def _locate_failure(stream: BinaryIO, start: int | None, chunk_start: int) -> int | None:
    """The exact offset of a parse error found somewhere in the chunk from ``chunk_start``.

    The first pass parses 64 KiB at a time and only knows the chunk, so the stream is
    parsed again (without hashing) up to that chunk and then a byte at a time.
    """
    if start is None:
        return None
    try:
        stream.seek(start)
    except (OSError, ValueError):
        return None
    source = _Source(stream, max_bytes=None, slow_from=chunk_start)
    try:
        collections.deque(_BACKEND.basic_parse(source, buf_size=_READ_SIZE), maxlen=0)
    except ijson.JSONError:
        return source.position if source.at_eof else source.position - 1
    return None
