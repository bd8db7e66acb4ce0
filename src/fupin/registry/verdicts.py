"""A household's verdict for one year, as the procedures consult it: the same Ibis rules as the checks, on one
household's canonical tables in an in-memory DuckDB.

``exit`` — may it exit (no vetoes); ``identification`` and ``return`` — does it meet the identification criteria
(income below the poverty line or a guarantee unmet); ``monitoring`` — does a monitoring trigger hold (income below
the monitoring line, a sharp fall, or a guarantee unmet). Each comes with every reason in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from fupin.analytics.params import PARAMETER_KEYS, Params
from fupin.core.arrow import query_table
from fupin.policy.selectors import param

from .choices import ProcedureKind
from .models import Household
from .tables import QUERIES


def params_for(year: int, **overrides: Any) -> Params:
    """The stored policy parameters of the year (province admins may have changed the defaults)."""
    values = {k: param(k, year) for k in PARAMETER_KEYS}
    values.update(overrides)
    return Params(year=year, **values)


@dataclass(frozen=True)
class Verdict:
    kind: str  # a ProcedureKind
    year: int
    ok: bool  # the procedure's criteria hold
    reasons: list[str] = field(default_factory=list)  # vetoes (exit) or grounds (the others), in Chinese

    @property
    def title(self) -> str:
        titles: dict[str, str] = {
            ProcedureKind.EXIT: "退出标准",
            ProcedureKind.IDENTIFICATION: "识别标准",
            ProcedureKind.RETURN: "返贫认定标准",
            ProcedureKind.MONITORING: "监测对象认定条件",
            ProcedureKind.ELIMINATION: "风险消除条件",
        }
        return titles.get(self.kind, "标准")

    def refusal(self) -> str:
        """The refusal naming every reason."""
        if self.kind == ProcedureKind.EXIT:
            return f"该户 {self.year} 年不符合退出标准：" + "；".join(self.reasons)
        return f"该户 {self.year} 年不符合{self.title}：" + ("；".join(self.reasons) or "没有任何一项条件成立")


# the registry's canonical queries, bound to one household instead of an area (no status filter: a candidate is
# judged too; a returned household counts as not exited)
_ONE = {
    "households": QUERIES["households"][0].split(" WHERE ")[0] + " WHERE h.id = %s",
    "members": QUERIES["members"][0].split(" WHERE ")[0] + " WHERE m.household_id = %s AND m.deceased_on IS NULL",
    "household_years": QUERIES["household_years"][0].split(" WHERE ")[0] + " WHERE y.household_id = %s",
}


def household_tables(household: Household) -> dict[str, pa.Table]:
    from fupin.analytics.engines import canonical

    return {name: canonical(name, query_table(sql, [household.pk], QUERIES[name][1])) for name, sql in _ONE.items()}


# Verdicts a floor above provides (a monitoring case's risk elimination reads its follow-up visits): kind → function
_PROVIDED: dict[str, Callable[[Household, int], Verdict]] = {}


def register_verdict(kind: str, provider: Callable[[Household, int], Verdict]) -> None:
    """Called by the app that owns a kind's criteria (in its ``ready``), so the registry never imports it."""
    _PROVIDED[kind] = provider


def household_verdict(household: Household, kind: str, year: int) -> Verdict:
    """The verdict of ``kind`` for ``household`` in ``year``, from its stored facts and the year's parameters."""
    if kind in _PROVIDED:
        return _PROVIDED[kind](household, year)
    return stored_verdict(household, kind, year)


def stored_verdict(household: Household, kind: str, year: int) -> Verdict:
    """The verdict from the household's registry facts alone (a provider may add its own grounds to it)."""
    # deferred: Ibis and DuckDB load only when a procedure asks for a verdict
    from fupin.analytics import engines
    from fupin.analytics.verdicts import household as rules

    p = params_for(year)
    tables = household_tables(household)
    with engines.load(tables, "duckdb") as inputs:
        if kind == ProcedureKind.EXIT:
            reasons, templates, line = rules.exit_vetoes(inputs, p), rules.EXIT_VETOES, p.exit_line
        elif kind == ProcedureKind.MONITORING:
            reasons, templates, line = rules.risk_reasons(inputs, p), rules.MONITOR_REASONS, p.monitoring_income_line
        else:
            reasons, templates, line = rules.need_reasons(inputs, p), rules.IDENTIFY_REASONS, p.poverty_line
        table = reasons.to_pyarrow()
    no = household.household_no
    verdict = rules.assemble(table, [no], templates, line).to_pylist()[0]
    texts = [t for t in verdict["reasons"].split("；") if t]
    has_record = any(y == year for y in tables["household_years"].column("year").to_pylist())
    if kind == ProcedureKind.EXIT:
        return Verdict(kind, year, not texts, texts)
    if not has_record:
        return Verdict(kind, year, False, [f"缺少 {year} 年度收入与两不愁三保障记录"])
    return Verdict(kind, year, bool(texts), texts)
