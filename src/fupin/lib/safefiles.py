"""Hostile spreadsheets are refused before a parser sees them; parsing can run in a memory-capped process.

An xlsx is a zip of XML: a 2 KB file whose cells sit at A1 and XFD1048576 makes a reader allocate the whole
1,048,576 × 16,384 grid, a 1 MB file can hold a gigabyte of shared strings, and a few megabytes can unpack to
gigabytes of sheet XML. ``check_file`` reads only the zip directory and streams the sheet XML (never holding it)
to find the used range, so each of these is refused with a Chinese reason in milliseconds. ``run_capped`` runs a
parse in a child process whose address space is capped: whatever slips past the checks kills the child, not the
web server. Pure Python; the limits are parameters (``Limits``), set by the application from its settings.
"""

from __future__ import annotations

import re
import resource
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
MB = 1 << 20


class RefusedFile(Exception):  # noqa: N818 - reads as the condition it names
    """The file as a whole is refused before (or while) parsing; ``str()`` is the Chinese reason."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB  # the file as uploaded
    max_rows: int = 300_000
    max_columns: int = 200
    max_cells: int = 12_000_000  # rows × columns of the used range: what a reader allocates
    max_unzipped: int = 400 * MB  # all members of an xlsx together, unpacked
    max_ratio: int = 200  # unpacked ÷ packed of any member larger than 1 MB
    max_shared_strings: int = 100 * MB  # xl/sharedStrings.xml unpacked
    max_members: int = 2_000  # files inside the zip
    parse_memory: int = 3 * 1024 * MB  # address space of a capped parse
    parse_seconds: int = 300


DEFAULT_LIMITS = Limits()
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse ``path`` (``RefusedFile``) when it is larger than the limits allow — for an xlsx, also when it unpacks
    to too much, packs too tightly, or its sheets use a range too large to read."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise RefusedFile(f"文件有 {size / MB:.1f} MB，超过上限 {limits.max_bytes / MB:.0f} MB：请分成几个文件导入")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        _check_xlsx(path, limits)


BROKEN_XLSX = "文件不是有效的 Excel 文件（不是 xlsx 格式，或已损坏）：请用 Excel 打开后另存为 .xlsx 再导入"
# What zipfile raises on a damaged archive besides BadZipFile: a bad deflate stream, a truncated member, a member
# with an unsupported compression method or encrypted, a central directory naming a member that is not there.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    ValueError,
)


def _check_xlsx(path: Path, limits: Limits) -> None:
    try:
        _check_xlsx_archive(path, limits)
    except RefusedFile:
        raise
    except ZIP_ERRORS:
        raise RefusedFile(BROKEN_XLSX) from None


def _check_xlsx_archive(path: Path, limits: Limits) -> None:
    archive = zipfile.ZipFile(path)
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise RefusedFile(f"Excel 文件内含 {len(members)} 个部件，超过上限 {limits.max_members}，已拒绝")
        total = sum(m.file_size for m in members)
        if total > limits.max_unzipped:
            raise RefusedFile(
                f"Excel 文件解压后有 {total / MB:,.0f} MB，超过上限 {limits.max_unzipped / MB:,.0f} MB，已拒绝"
            )
        for m in members:
            if m.file_size > MB and m.file_size > limits.max_ratio * max(m.compress_size, 1):
                raise RefusedFile(
                    f"Excel 文件的压缩比异常（{m.filename} 压缩了 "
                    f"{m.file_size // max(m.compress_size, 1):,} 倍），已拒绝"
                )
            if m.filename.lower().endswith("sharedstrings.xml") and m.file_size > limits.max_shared_strings:
                raise RefusedFile(
                    f"Excel 文件的文字内容有 {m.file_size / MB:,.0f} MB，"
                    f"超过上限 {limits.max_shared_strings / MB:,.0f} MB"
                )
        for m in members:
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                _check_sheet(archive, m, limits)


def _check_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    rows = cols = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(4 * MB):
            data = tail + chunk
            for regex in (_DIMENSION, _CELL):
                for letters, digits in regex.findall(data):
                    cols, rows = max(cols, _column_number(letters)), max(rows, int(digits))
            if rows > limits.max_rows or cols > limits.max_columns or rows * cols > limits.max_cells:
                where = member.filename.rsplit("/", 1)[-1]
                raise RefusedFile(
                    f"工作表（{where}）的使用范围达 {rows:,} 行 × {cols:,} 列，超过上限 "
                    f"{limits.max_rows:,} 行、{limits.max_columns} 列：请删除表格末尾的空白行列或分文件导入"
                )
            tail = data[-256:]  # a cell reference cut between two chunks is seen whole in the next


def _cap(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def run_capped(fn: Callable[..., T], *args: Any, limits: Limits = DEFAULT_LIMITS) -> T:
    """``fn(*args)`` in a fresh process capped at ``limits.parse_memory`` bytes and ``parse_seconds`` seconds.

    ``fn`` and its arguments and result must pickle. Running out of memory or time becomes ``RefusedFile``; any
    other exception of ``fn`` is raised here as it was raised there."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_cap,
                               initargs=(limits.parse_memory,))  # fmt: skip
    try:
        return pool.submit(fn, *args).result(timeout=limits.parse_seconds)
    except (MemoryError, BrokenProcessPool):
        raise RefusedFile(
            f"文件解析时超出内存上限（{limits.parse_memory / MB:,.0f} MB），已拒绝：请检查文件或分文件导入"
        ) from None
    except FutureTimeout:
        raise RefusedFile(f"文件解析超过 {limits.parse_seconds} 秒，已停止：请分文件导入") from None
    finally:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()  # a child still parsing past the timeout is stopped, not left running
        pool.shutdown(wait=False, cancel_futures=True)
