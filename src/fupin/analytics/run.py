"""Run rules on Ibis inputs; return findings as one sorted Arrow table."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from .params import Params
from .rules import RULES, Rule

FINDINGS_SCHEMA = pa.schema(
    [
        ("rule_id", pa.string()),
        ("household_id", pa.string()),
        ("person_id", pa.string()),
        ("value", pa.float64()),
        ("detail", pa.string()),
    ]
)


@dataclass
class RunResult:
    findings: pa.Table
    seconds: dict[str, float] = field(default_factory=dict)

    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rid in self.findings.column("rule_id").to_pylist():
            counts[rid] = counts.get(rid, 0) + 1
        return counts


def run_rules(inputs: dict[str, Any], params: Params, rules: Sequence[Rule] | None = None) -> RunResult:
    parts, seconds = [], {}
    for rule in rules or RULES:
        started = time.perf_counter()
        got = rule.build(inputs, params).to_pyarrow()
        seconds[rule.id] = time.perf_counter() - started
        got = got.cast(FINDINGS_SCHEMA.remove(0))
        parts.append(got.add_column(0, "rule_id", pa.array([rule.id] * got.num_rows, pa.string())))
    table = pa.concat_tables(parts) if parts else FINDINGS_SCHEMA.empty_table()
    table = table.sort_by([(c, "ascending") for c in ("rule_id", "household_id", "person_id", "detail")])
    return RunResult(table, seconds)


@dataclass
class ParquetRun:
    """Rules and indicators over a Parquet layout, with the sizes read and the time taken."""

    result: RunResult
    indicators: pa.Table
    households: int
    people: int
    seconds: float
    load_seconds: float


def run_parquet(
    directory: Any, engine: str, params: Params, *, memory_limit: str | None = None, spill_dir: Any = None
) -> ParquetRun:
    """Every rule and the indicators 2014..year over Parquet files read by the engine itself (a synthetic province
    or a national layout cut into provinces; a local directory, or on a cluster a path every executor sees)."""
    from . import engines
    from .indicators import indicators

    started = time.perf_counter()
    with engines.from_parquet(directory, engine, memory_limit=memory_limit, spill_dir=spill_dir) as inputs:
        loaded = time.perf_counter() - started
        result = run_rules(inputs, params)
        table = indicators(inputs["households"], list(range(2014, params.year + 1)))
        households = int(inputs["households"].count().to_pyarrow().as_py())
        people = int(inputs["members"].count().to_pyarrow().as_py())
    return ParquetRun(result, table, households, people, time.perf_counter() - started, loaded)
