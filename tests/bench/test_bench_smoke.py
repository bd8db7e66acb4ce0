"""CI runs every benchmark at tiny scale as a smoke test: it must not break. Nothing here is timed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# Each benchmark sets its own database (SQLite files and PostgreSQL databases of its own), whatever the suite's:
# the two halves of the suite would run the same eight minutes twice, so the SQLite half runs it for both.
@pytest.mark.skipif(
    os.environ.get("FUPIN_DATABASE_URL", "").startswith("postgres"),
    reason="run once, in the SQLite half: the smoke chooses each benchmark's database itself",
)
def test_every_benchmark_runs_at_tiny_scale():
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        capture_output=True,
        text=True,
        check=True,
        timeout=1200,  # every benchmark builds its own tiny data; a busy 2-core machine needs the margin
    )
    assert "synth tiny: median" in out.stdout
    assert "areas load (SQLite): median" in out.stdout
    assert "tiny county → SQLite: median" in out.stdout
    assert "import CSV → PostgreSQL: median" in out.stdout
    assert "import xlsx → PostgreSQL: median" in out.stdout
    assert "all rules + indicators, Ibis on DuckDB: median" in out.stdout
    assert "province plan: min-cost flows: median" in out.stdout
    assert "软弱涣散 identification (`fupin party identify`), sqlite: median" in out.stdout
    assert "all the year's schemes at once (`fupin assessment all`), sqlite: median" in out.stdout
