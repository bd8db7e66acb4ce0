"""Hostile spreadsheets are refused before they can hurt the server (the probes, as files the tests make)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from fupin.lib import tabular as tb
from fupin.lib.safefiles import MB, Limits, RefusedFile, check_file, run_capped
from fupin.registry.importspec import HOUSEHOLDS

FUPIN = str(Path(sys.executable).with_name("fupin"))


def _xlsx(path: Path, cells: dict[str, str]) -> Path:
    wb = Workbook()
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def test_two_cells_at_the_corners_of_the_sheet_are_refused_before_parsing(tmp_path):
    path = _xlsx(tmp_path / "corners.xlsx", {"A1": "户编号", "XFD1048576": "x"})
    assert path.stat().st_size < 10_000  # a few KB that would make a reader allocate the whole grid
    with pytest.raises(RefusedFile, match="1,048,576 行 × 16,384 列"):
        check_file(path)
    with pytest.raises(tb.FileUnreadable, match="使用范围"):
        tb.read_table(path, HOUSEHOLDS)


def test_the_cli_refuses_it_with_exit_code_2_and_a_chinese_reason(tmp_path):
    path = _xlsx(tmp_path / "corners.xlsx", {"A1": "户编号", "XFD1048576": "x"})
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "FUPIN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "FUPIN_DATA_DIR": str(tmp_path)}  # fmt: skip
    subprocess.run([FUPIN, "migrate", "-v0", "--skip-checks"], env=env, check=True)  # noqa: S603
    command = [FUPIN, "import", "households", str(path), "--skip-checks"]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True)  # noqa: S603
    assert done.returncode == 2
    assert "使用范围" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_a_sheet_used_beyond_the_row_limit_is_refused_while_streaming(tmp_path):
    path = _xlsx(tmp_path / "long.xlsx", {f"A{r}": "x" for r in range(1, 2002)})
    check_file(path, Limits(max_rows=3000))
    with pytest.raises(RefusedFile, match="2,001 行"):
        check_file(path, Limits(max_rows=2000))


def _with_shared_strings(path: Path, text: str) -> Path:
    """The workbook at ``path`` with one shared string of ``text`` (Excel itself caps a cell; a forged file not)."""
    out = path.with_name("forged-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/sharedStrings.xml", f'<sst count="1" uniqueCount="1"><si><t>{text}</t></si></sst>')
    return out


def test_a_huge_shared_string_and_a_tight_packing_are_refused(tmp_path):
    path = _with_shared_strings(_xlsx(tmp_path / "strings.xlsx", {"A1": "户编号"}), "a" * (3 * MB))
    with pytest.raises(RefusedFile, match="压缩比异常"):
        check_file(path)  # 3 MB of one letter packs a thousandfold
    with pytest.raises(RefusedFile, match="文字内容"):
        check_file(path, Limits(max_ratio=10**6, max_shared_strings=2 * MB))
    with pytest.raises(RefusedFile, match="解压后"):
        check_file(path, Limits(max_ratio=10**6, max_unzipped=2 * MB))


def test_a_zip_of_too_many_members_and_a_file_too_large_are_refused(tmp_path):
    path = tmp_path / "members.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for k in range(30):
            archive.writestr(f"xl/media/{k}.bin", b"x")
    with pytest.raises(RefusedFile, match="30 个部件"):
        check_file(path, Limits(max_members=20))
    with pytest.raises(RefusedFile, match="超过上限"):
        check_file(path, Limits(max_bytes=100))


def test_a_renamed_file_is_not_an_xlsx(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(RefusedFile, match="不是 xlsx"):
        check_file(path)


def test_a_parse_that_outgrows_its_memory_cap_kills_only_its_own_process():
    with pytest.raises(RefusedFile, match="内存上限"):
        run_capped(bytearray, 2048 * MB, limits=Limits(parse_memory=1024 * MB))
    assert run_capped(len, "完好", limits=Limits(parse_memory=1024 * MB)) == 2  # the next parse runs as usual


def test_a_capped_read_gives_the_same_sheet_as_an_uncapped_one(tmp_path):
    path = _xlsx(tmp_path / "ok.xlsx", {"A1": "户编号", "B1": "姓名", "A2": "52052600420100001", "B2": "张三"})
    spec = [tb.Col("户编号", "household_no", "household", "text"), tb.Col("姓名", "name", "member", "text")]
    plain, capped = tb.read_table(path, spec), tb.read_table(path, spec, capped=True)
    assert plain.n == capped.n == 1
    assert {h: a.to_pylist() for h, a in plain.columns.items()} == {h: a.to_pylist() for h, a in capped.columns.items()}
    with pytest.raises(tb.FileUnreadable, match="缺少必需的列"):  # the child's own refusal reaches the caller
        tb.read_table(path, HOUSEHOLDS, capped=True)
