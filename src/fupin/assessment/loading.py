"""Loading the assessment in bulk (the synthetic province, or another system's export): the leaders in their posts
with the province's approvals of poor counties' head changes, the contact points (包保) and their visits, the
secretaries' 述职评议 (scored by the same rule as one recorded by hand), the year's schemes with their entered
观摩 scores — then every scheme run at once, the 约谈 cases of the bottom areas and the helping units' grades.
Areas that already have leaders on record, schemes already on record and cases already opened are left alone, so
a second load changes nothing (and runs nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import transaction

from fupin.areas.models import Area
from fupin.audit.services import audit_record
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.permissions import require

from .choices import Assessed, CaseKind, CaseStatus, ChangeStatus, Consequence, Lead, Problem, Source
from .leadership import debrief_params
from .models import (
    Case,
    CaseStep,
    ContactPoint,
    ContactVisit,
    Debriefing,
    EnteredValue,
    Indicator,
    Leader,
    LeaderChange,
    Scheme,
)
from .services import assessed_areas, schemes_run, standard_indicators, unit_grades_run

Echo = Callable[[str], None]
NAMES = ("leaders", "leader_approvals", "contact_points", "contact_visits", "debriefings", "assessment_scores",
         "accountability_cases")  # fmt: skip
VETO_LINE = 60.0  # the synthetic schemes' 现场观摩 veto (一票否决): below it an area ranks last


LABELS = {
    "leaders": "党政领导", "approved_changes": "经批准的党政正职调整", "contact_points": "包保联系点",
    "contact_visits": "联系点走访", "debriefings": "述职评议", "schemes": "考核方案", "entered_values": "观摩评分",
    "schemes_partial": "未载入（仅部分县有数据）的方案", "cases": "约谈问责",
}  # fmt: skip


def _label(key: str) -> str:
    for prefix, label in (("ranked_", "参加排名"), ("units_", "评定等次的帮扶单位")):
        if key.startswith(prefix):
            return f"{key.removeprefix(prefix)} 年{label}"
    return LABELS.get(key, key)


def load_parquet_dir(out: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(out / f"{name}.parquet") for name in NAMES if (out / f"{name}.parquet").exists()}


def _rows(tables: dict[str, pa.Table], name: str) -> list[dict[str, Any]]:
    table = tables.get(name)
    return table.to_pylist() if table is not None else []


def scheme_title(year: int, assessed: str) -> str:
    return f"{year} 年{Assessed(assessed).label}脱贫攻坚考核"


@transaction.atomic
def assessment_load(
    *, actor: Actor | None, tables: dict[str, pa.Table], source: str, echo: Echo | None = None
) -> dict[str, int]:
    """Load the tables (see the module's docstring); returns row counts."""
    say = echo or (lambda _: None)
    require(actor, "assessment.leaders", codes.normalize("52"))
    counts: dict[str, int] = {}
    progress.report("载入党政领导和包保联系点", 0, 4)
    refs = _leaders(tables, counts)
    _contacts(tables, refs, counts)
    progress.report("载入述职评议", 1, 4)
    _debriefings(tables, refs, counts)
    progress.report("运行考核方案", 2, 4)
    made = _schemes(tables, counts)
    years = sorted({s.year for s in made})
    for year in years:  # the schemes this load made, not the ones people made (nor those of an earlier load)
        mine = [s.pk for s in made if s.year == year]
        done = schemes_run(actor=actor, area_code=codes.normalize("52"), year=year, only=mine)
        counts[f"ranked_{year}"] = done.assessed
        say(f"{year} 年考核方案 {done.schemes} 个，参加排名 {done.assessed:,} 个单位，末位 {done.bottom} 个")
    progress.report("载入约谈问责和帮扶单位等次", 3, 4)
    _cases(tables, counts)
    for year in years:
        graded = unit_grades_run(actor=actor, area_code=codes.normalize("52"), year=year)
        counts[f"units_{year}"] = graded.units
        say(f"{year} 年帮扶单位 {graded.units:,} 个评定等次，不能评为一等奖的情形 {graded.capped:,} 个")
    audit_record(actor=actor, action="assessment.load", entity=None, entity_type="assessment.batch",
                 entity_id=source[:40], area_code=codes.normalize("52"),
                 changes={"created": [None, counts]})  # fmt: skip
    say("考核问责：" + "，".join(f"{_label(k)} {v:,}" for k, v in counts.items()))
    progress.report("完成", 4, 4)
    return counts


def _leaders(tables: dict[str, pa.Table], counts: dict[str, int]) -> dict[str, Leader]:
    """The leaders of areas without any on record; the approved changes as approved LeaderChange rows."""
    rows = _rows(tables, "leaders")
    had = set(Leader.objects.filter(area_id__in={r["area_code"] for r in rows}).values_list("area_id", flat=True))
    new = [Leader(area_id=r["area_code"], name=r["name"], post=r["post"], title=r["title"], start=r["start"],
                  end=r["end"], end_reason=r["end_reason"] or "", ref=r["ref"])
           for r in rows if r["area_code"] not in had]  # fmt: skip
    Leader.objects.bulk_create(new, batch_size=2000)
    counts["leaders"] = len(new)
    by_ref = {r.ref: r for r in Leader.objects.filter(ref__in=[r["ref"] for r in rows])}
    loaded = {r.area_id for r in new}
    ended: dict[tuple[str, str, date], Leader] = {(r.area_id, r.post, r.end): r for r in new if r.end is not None}
    started: dict[tuple[str, str, date], Leader] = {(r.area_id, r.post, r.start): r for r in new}
    changes = []
    for a in _rows(tables, "leader_approvals"):
        key = (a["area_code"], a["post"], a["day"])
        leaving = ended.get(key)
        if a["area_code"] not in loaded or leaving is None:
            continue
        successor = started.get(key)
        changes.append(LeaderChange(
            area_id=a["area_code"], post=a["post"], leader=leaving, successor=successor.name if successor else "",
            successor_title=successor.title if successor else "", on=a["day"], reason="工作需要（载入的审批记录）",
            flag="贫困县未摘帽：调整须报省委组织部审批", status=ChangeStatus.APPROVED, decided_by="省委组织部",
        ))  # fmt: skip
    LeaderChange.objects.bulk_create(changes, batch_size=2000)
    counts["approved_changes"] = len(changes)
    return by_ref


def _contacts(tables: dict[str, pa.Table], refs: dict[str, Leader], counts: dict[str, int]) -> None:
    existing = set(ContactPoint.objects.values_list("leader_id", "area_id"))
    points = [ContactPoint(leader=refs[r["leader_ref"]], area_id=r["area_code"], kind=r["kind"], start=r["start"])
              for r in _rows(tables, "contact_points")
              if r["leader_ref"] in refs and (refs[r["leader_ref"]].pk, r["area_code"]) not in existing]  # fmt: skip
    ContactPoint.objects.bulk_create(points, batch_size=2000)
    by_key = {(p.leader.ref, p.area_id): p for p in points}
    visits = [ContactVisit(point=by_key[(v["leader_ref"], v["area_code"])], area_id=v["area_code"], date=v["date"],
                           note=v["note"], recorded_by="载入")
              for v in _rows(tables, "contact_visits") if (v["leader_ref"], v["area_code"]) in by_key]  # fmt: skip
    ContactVisit.objects.bulk_create(visits, batch_size=5000)
    counts["contact_points"], counts["contact_visits"] = len(points), len(visits)


def _debriefings(tables: dict[str, pa.Table], refs: dict[str, Leader], counts: dict[str, int]) -> None:
    """Scored by ``analytics.assessment.debriefings`` in one pass per year, linked to the secretary in post."""
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines

    rows = _rows(tables, "debriefings")
    have = set(Debriefing.objects.values_list("area_id", "year"))
    rows = [r for r in rows if (r["area_code"], r["year"]) not in have]
    secretaries: dict[str, list[Leader]] = {}
    for leader in refs.values():
        if leader.post == "party_secretary":
            secretaries.setdefault(leader.area_id, []).append(leader)
    made = []
    for year in sorted({r["year"] for r in rows}):
        mine = [r for r in rows if r["year"] == year]
        votes = pa.Table.from_pylist([{k: r[k] for k in rules.VOTES.names} for r in mine], schema=rules.VOTES)
        with engines.load({"votes": votes}, "duckdb") as t:
            scored = rules.debriefings(t["votes"], **debrief_params(year)).to_pyarrow().to_pylist()
        by_area = {s["area_code"]: s for s in scored}  # an engine need not keep the rows' order
        for r in mine:
            s, held = by_area[r["area_code"]], r["held_on"]
            secretary = next((x for x in secretaries.get(r["area_code"], [])
                              if x.start <= held and (x.end is None or x.end > held)), None)  # fmt: skip
            made.append(Debriefing(area_id=r["area_code"], year=year, leader=secretary, name=r["name"], held_on=held,
                                   good=r["good"], fairly_good=r["fairly_good"], average=r["average"], poor=r["poor"],
                                   score=Decimal(str(s["score"])).quantize(Decimal("0.01")), grade=s["grade"],
                                   comments=r["comments"] or "", recorded_by="载入"))  # fmt: skip
    Debriefing.objects.bulk_create(made, batch_size=2000)
    counts["debriefings"] = len(made)


def _schemes(tables: dict[str, pa.Table], counts: dict[str, int]) -> list[Scheme]:
    """A standard scheme per (assessing area, set, year) of the scores not yet on record, its 观摩 indicator with
    the veto line, and the scores as entered values; returns the schemes made."""
    rows = _rows(tables, "assessment_scores")
    scored: dict[tuple[str, str, int], set[str]] = {}
    for r in rows:
        scored.setdefault((r["assessing_code"], r["assessed"], r["year"]), set()).add(r["area_code"])
    schemes: dict[tuple[str, str, int], Scheme] = {}
    skipped = 0
    for (area, kind, year), covered in sorted(scored.items()):
        probe = Scheme(area_id=area, year=year, assessed=kind)
        if not {a.code for a in assessed_areas(probe)} <= covered:  # a part of the province: its schemes above
            skipped += 1  # the loaded counties would rank areas without their scores; they are left out
            continue
        title = scheme_title(year, kind)
        if Scheme.objects.filter(area_id=area, year=year, title=title).exists():
            continue
        scheme = Scheme.objects.create(area_id=area, year=year, title=title, assessed=kind, bottom=1,
                                       consequence=Consequence.INTERVIEW)  # fmt: skip
        specs = standard_indicators(Assessed(kind))
        for order, spec in enumerate(specs, start=1):
            veto = VETO_LINE if spec["source"] == Source.ENTERED else spec.get("veto")
            Indicator.objects.create(scheme=scheme, order=order, **{**spec, "veto": veto})
        schemes[(area, kind, year)] = scheme
    observe = {i.scheme_id: i for i in Indicator.objects.filter(scheme__in=schemes.values(), source=Source.ENTERED)}
    values = []
    for r in rows:
        key = (r["assessing_code"], r["assessed"], r["year"])
        if key in schemes:
            ind = observe[schemes[key].pk]
            values.append(EnteredValue(indicator=ind, area_id=r["area_code"], value=r["observation"]))
    EnteredValue.objects.bulk_create(values, batch_size=5000)
    counts["schemes"], counts["entered_values"], counts["schemes_partial"] = len(schemes), len(values), skipped
    return list(schemes.values())


def _cases(tables: dict[str, pa.Table], counts: dict[str, int]) -> None:
    """The 约谈 of the bottom areas with their steps by status (the results they cite are the run's)."""
    from .models import Result

    have = set(Case.objects.values_list("area_id", "opened_on"))
    rows = [r for r in _rows(tables, "accountability_cases") if (r["area_code"], r["opened_on"]) not in have]
    results = {(r.scheme.area_id, r.area_id, r.scheme.year): r
               for r in Result.objects.filter(bottom=True).select_related("scheme")}  # fmt: skip
    names = dict(Area.objects.filter(code__in=[r["authority_code"] for r in rows]).values_list("code", "name"))
    made, steps = [], []
    for r in rows:
        result = results.get((r["authority_code"], r["area_code"], r["opened_on"].year - 1))  # last year's ranking
        evidence = [{"kind": "result", "ref": str(result.pk), "text": f"{result.scheme.title}第 {result.rank} 名"}] if (
            result) else []  # fmt: skip
        case = Case(area_id=r["area_code"], authority_id=r["authority_code"], kind=CaseKind(r["kind"]),
                    problem=Problem.RANKING, lead=Lead.ASSESSMENT,
                    subject=r["subject"], reason=r["reason"], evidence=evidence, opened_on=r["opened_on"],
                    status=CaseStatus(r["status"]), measures=r["measures"] or "", deadline=r["deadline"],
                    closed_on=r["closed_on"], scheme=result.scheme if result else None)  # fmt: skip
        made.append(case)
        by = names.get(r["authority_code"], "")
        steps.append((case, "open", r["opened_on"], f"约谈：{r['reason']}", f"{by}党委组织部"))
        if case.status != CaseStatus.OPEN:
            planned = r["opened_on"] + timedelta(days=7)
            steps.append((case, "plan", planned, f"{case.measures}（时限 {r['deadline']:%Y-%m-%d}）", "被约谈单位"))
            steps.append((case, "progress", planned + timedelta(days=30), "按期推进整改，已完成阶段任务", "被约谈单位"))
        if case.status == CaseStatus.CLOSED:
            steps.append((case, "close", r["closed_on"], "整改到位，同意销号", f"{by}党委组织部"))
    Case.objects.bulk_create(made, batch_size=2000)
    CaseStep.objects.bulk_create([CaseStep(case=c, step=s, on=on, text=t, by_name=who) for c, s, on, t, who in steps],
                                 batch_size=5000)  # fmt: skip
    counts["cases"] = len(made)
