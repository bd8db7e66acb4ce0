"""What-if: verdicts and findings under changed parameters, against the stored ones, per county — nothing stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from fupin.analytics import engines
from fupin.analytics.params import PARAMETER_KEYS, Params
from fupin.analytics.run import run_rules
from fupin.analytics.verdicts.household import exit_candidates, exit_vetoes
from fupin.areas.models import Area
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.errors import ValidationError
from fupin.core.permissions import require
from fupin.registry.verdicts import params_for

from .datayears import require_data
from .sources import live_tables

CHANGEABLE = PARAMETER_KEYS


@dataclass
class CountyDiff:
    """One county under the stored parameters (现行) and the changed ones (假设): households eligible to exit,
    all findings, and the findings of each rule whose count changes."""

    county: str
    exit_eligible: tuple[int, int]
    findings: dict[str, tuple[int, int]]
    name: str = ""
    findings_total: tuple[int, int] = (0, 0)


def whatif(
    *, actor: Actor | None, year: int, changes: dict[str, float], area_code: str = "520000000000"
) -> list[CountyDiff]:
    """Raises (in Chinese) for an unknown parameter, an area that does not exist or has no registry data, and a
    year outside the years its data covers — never an empty answer without a reason."""
    area_code = codes.normalize(area_code)
    require(actor, "checks.whatif", area_code)  # what-if reads the whole area's registry
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise ValidationError(f"不能假设的参数：{'、'.join(sorted(unknown))}；可选：{'、'.join(CHANGEABLE)}")
    require_data(area_code, year)
    base = params_for(year)
    changed: Params = replace(base, **changes)  # type: ignore[arg-type]  # validated names, numeric values
    tables = live_tables(area_code)
    county_of = {
        h: v[:6] + "000000"
        for h, v in zip(tables["households"].column("household_id").to_pylist(),
                        tables["households"].column("village_code").to_pylist(), strict=True)
    }  # fmt: skip
    county_of.update(
        (h, v[:6] + "000000")
        for h, v in zip(tables["survey_households"].column("household_id").to_pylist(),
                        tables["survey_households"].column("village_code").to_pylist(), strict=True)
    )  # fmt: skip
    out: dict[str, dict[str, Counter[str]]] = {}
    with engines.load(tables, "duckdb") as inputs:
        candidates = set(exit_candidates(inputs, year).select("household_id").to_pyarrow().column(0).to_pylist())
        for label, params in (("base", base), ("changed", changed)):
            vetoed = set(exit_vetoes(inputs, params).to_pyarrow().column("household_id").to_pylist())
            for h in candidates - vetoed:
                out.setdefault(county_of[h], {}).setdefault(label, Counter())["exit_eligible"] += 1
            findings = run_rules(inputs, params).findings
            for rule_id, h in zip(findings.column("rule_id").to_pylist(), findings.column("household_id").to_pylist(),
                                  strict=True):  # fmt: skip
                out.setdefault(county_of.get(h, area_code), {}).setdefault(label, Counter())[rule_id] += 1
    names = dict(Area.objects.filter(code__in=list(out)).values_list("code", "name"))
    diffs = []
    for county, by in sorted(out.items()):
        b, c = by.get("base", Counter()), by.get("changed", Counter())
        keys = sorted((set(b) | set(c)) - {"exit_eligible"})
        diffs.append(
            CountyDiff(
                county,
                (b["exit_eligible"], c["exit_eligible"]),
                {k: (b[k], c[k]) for k in keys if b[k] != c[k]},
                name=names.get(county, county),
                findings_total=(sum(b[k] for k in keys), sum(c[k] for k in keys)),
            )
        )
    return diffs
