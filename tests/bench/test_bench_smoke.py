"""CI runs every benchmark at tiny scale as a smoke test: it must not break. Nothing here is timed."""

import importlib.util
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
    # Two processes, half the benchmarks each: the suite's process only waits, so both cores work (each benchmark
    # has databases and files of its own). Each half must finish; its output is shown if it fails.
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None
    assert spec.loader is not None
    harness = sys.modules.setdefault("bench_run", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(harness)
    names = list(harness.BENCHMARKS)
    halves = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", *names[k::2]],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for k in (0, 1)
    ]
    outputs = [half.communicate(timeout=1200)[0] for half in halves]  # a busy 2-core machine needs the margin
    for half, output in zip(halves, outputs, strict=True):
        assert half.returncode == 0, output[-4000:]
    out = subprocess.CompletedProcess(args=[], returncode=0, stdout="\n".join(outputs))
    assert "synth tiny: median" in out.stdout
    assert "areas load (SQLite): median" in out.stdout
    assert "tiny county → SQLite: median" in out.stdout
    assert "import CSV → PostgreSQL: median" in out.stdout
    assert "import xlsx → PostgreSQL: median" in out.stdout
    assert "all rules + indicators, Ibis on DuckDB: median" in out.stdout
    assert "province plan: min-cost flows: median" in out.stdout
    assert "软弱涣散 identification (`fupin party identify`), sqlite: median" in out.stdout
    assert "all the year's schemes at once (`fupin assessment all`), sqlite: median" in out.stdout
    assert "an outbox submission (ODK Collect → work log), p95, 4 devices syncing at once: median" in out.stdout
