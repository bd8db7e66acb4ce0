"""CI runs every benchmark at tiny scale as a smoke test: it must not break. Nothing here is timed."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
