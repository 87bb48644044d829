"""Reading import files: CSV or JSON Lines (tickets), CSV or JSON (the city), UTF-8 or GB18030 (docs/hardening.md).

Every line is decoded on its own, so bytes that do not decode in the file's encoding cost their line (reported
with its number) and never the file. The encoding is detected only when it is clear: a file that is neither
plainly UTF-8 nor plainly GB18030 is refused with a request to name it (`--encoding`).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from arbitration.errors import DomainError, InvalidInput

# A UTF-8 file may carry a few undecodable lines (a bad copy-paste): at least this share of its non-ASCII lines
# must decode for UTF-8 to be sure. GB18030 text almost never decodes as UTF-8, so a GB18030 file scores near 0.
UTF8_SURE_SHARE = 0.8
UTF8_UNLIKELY_SHARE = 0.2
GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "hz", "cp936"})
DETECTION_SAMPLE = 1 << 16  # bytes of non-ASCII lines shown to charset-normalizer


class EncodingUnsure(DomainError):
    code, http_status = "encoding_unsure", 400
    message = _("Cannot tell the encoding of {file} for sure ({reason}); name it with --encoding.")


@dataclass(frozen=True)
class FileFacts:
    encoding: str
    lines: int


def file_facts(path: Path, encoding: str | None = None) -> FileFacts:
    """Encoding (as given, else detected) and line count. Raises `EncodingUnsure` when detection cannot decide."""
    with path.open("rb") as stream:
        bom = stream.read(3) == codecs.BOM_UTF8
        stream.seek(0)
        lines, utf8 = _count_and_try_utf8(stream)
        if encoding is None and not utf8:
            stream.seek(0)
            encoding = _guess_by_lines(stream, path, bom=bom)
    if encoding is None:
        encoding = "utf-8-sig" if bom else "utf-8"
    return FileFacts(encoding=encoding, lines=lines)


def _count_and_try_utf8(stream: BinaryIO) -> tuple[int, bool]:
    """Line count and whether the whole file is UTF-8, in one streaming pass (the common case stops here)."""
    decoder, utf8, lines = codecs.getincrementaldecoder("utf-8")(), True, 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return lines, utf8


def _guess_by_lines(stream: BinaryIO, path: Path, *, bom: bool) -> str:
    """Not wholly UTF-8: UTF-8 with a few bad lines, GB18030 (what Chinese Excel writes), or unsure."""
    good = bad = 0
    sample = bytearray()
    for line in stream:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
            if len(sample) < DETECTION_SAMPLE:
                sample += line
    share = good / max(good + bad, 1)
    if share >= UTF8_SURE_SHARE:
        return "utf-8-sig" if bom else "utf-8"
    if share > UTF8_UNLIKELY_SHARE:
        reason = format_lazy(_("{good} lines read as UTF-8, {bad} do not"), good=good, bad=bad)
        raise EncodingUnsure(file=path.name, reason=reason)
    return _confirm_gb18030(bytes(sample), path)


def _confirm_gb18030(sample: bytes, path: Path) -> str:
    from charset_normalizer import from_bytes  # imported here: only files that are not UTF-8 need it

    best = from_bytes(sample).best()
    if best is None or best.encoding.lower().replace("-", "").replace("_", "") not in GB_FAMILY:
        guess = best.encoding if best is not None else "?"
        raise EncodingUnsure(file=path.name, reason=format_lazy(_("it may be {guess}"), guess=guess))
    return "gb18030"  # a superset of GBK and GB2312


def encoding_name(name: str) -> str:
    """An encoding Python knows, by its canonical name (the commands' --encoding; argparse reports the rest)."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise argparse.ArgumentTypeError(_("unknown encoding: %(name)s") % {"name": name}) from None


Record = tuple[int, dict[str, Any] | InvalidInput]


def records_read(path: Path, encoding: str, kind: str | None = None) -> Iterator[Record]:
    """(line number, record or the error that line gives) for a CSV, JSON Lines or JSON-array file.

    `kind` is "csv", "jsonl" or "json"; by default the suffix decides (.csv, .jsonl/.ndjson, .json).
    """
    kind = kind or {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(path.suffix.lower())
    if kind is None:
        raise InvalidInput(field="file", reason=_("use a .csv, .jsonl or .json file"))
    with path.open("rb") as stream:
        if kind == "jsonl" and encoding.startswith("utf-8"):
            # json.loads reads UTF-8 bytes (a BOM included) faster than Python decodes the lines first.
            yield from _jsonl_records(stream)
            return
        undecodable: list[Record] = []
        lines = _decoded_lines(stream, encoding, undecodable)
        parse = {"csv": _csv_records, "jsonl": _jsonl_records, "json": _json_records}[kind]
        for record in parse(lines):
            yield from _drain(undecodable)  # in line order: they were read before this record ended
            yield record
        yield from _drain(undecodable)


def _decoded_lines(stream: BinaryIO, encoding: str, undecodable: list[Record]) -> Iterator[str]:
    """Each line decoded on its own; one that will not decode is reported and read as empty (so skipped).

    A line break never occurs inside a UTF-8 or GB18030 character, so splitting the bytes first is safe."""
    codec = codecs.lookup(encoding)
    for number, raw in enumerate(stream, start=1):
        try:
            yield codec.decode(raw)[0]
        except UnicodeDecodeError as error:
            undecodable.append((number, _undecodable(encoding, error)))
            yield "\n"


def _undecodable(encoding: str, error: UnicodeDecodeError) -> InvalidInput:
    reason = format_lazy(_("bytes that are not {encoding} at position {position}"), encoding=encoding,
                         position=error.start + 1)  # fmt: skip
    return InvalidInput(field="encoding", reason=reason)


def _drain(records: list[Record]) -> Iterator[Record]:
    while records:
        yield records.pop(0)


def _csv_records(lines: Iterable[str]) -> Iterator[Record]:
    reader = csv.reader(lines)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    while True:
        line = reader.line_num + 1  # a quoted value may span lines: report where the record starts
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, InvalidInput(field="csv", reason=str(error))
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            reason = format_lazy(_("{count} values where the header has {columns}"), count=len(values),
                                 columns=len(header))  # fmt: skip
            yield line, InvalidInput(field="csv", reason=reason)
            continue
        yield line, dict(zip(header, values, strict=True))


def _jsonl_records(lines: Iterable[str | bytes]) -> Iterator[Record]:
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except UnicodeDecodeError as error:
            yield line, _undecodable("utf-8", error)
            continue
        except json.JSONDecodeError as error:
            yield line, InvalidInput(field="json", reason=str(error))
            continue
        yield (
            line,
            record
            if isinstance(record, dict)
            else InvalidInput(field="payload", reason=_("must be an object of ticket fields")),
        )


def _json_records(lines: Iterable[str]) -> Iterator[Record]:
    """A JSON array of objects (the city files); the "line" is the object's position, from 1."""
    try:
        records = json.loads("".join(lines))
    except json.JSONDecodeError as error:
        yield error.lineno, InvalidInput(field="json", reason=str(error))
        return
    if not isinstance(records, list):
        yield 1, InvalidInput(field="json", reason=_("must be an array of objects"))
        return
    for position, record in enumerate(records, start=1):
        yield (
            position,
            record if isinstance(record, dict) else InvalidInput(field="json", reason=_("must be an array of objects")),
        )


__all__ = ["EncodingUnsure", "FileFacts", "Record", "encoding_name", "file_facts", "records_read"]
