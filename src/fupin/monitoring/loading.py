"""Loading return-to-poverty monitoring in bulk (the synthetic province, or another system's export): each case with
its identification procedure — the registry's nine dated, signed steps, as far as the case got — and, once its risk
was eliminated, the elimination procedure's five; its sources (a department source citing its alert as
``<department>:<alert_no>``, exactly as a monitoring run would, so that no alert is ever taken twice), follow-up
visits, and help measures drawn from its risk. A monitored household gets its group on the registry.

Dates obey the procedures' rules (``registry.procedures``): never before the previous step, a notice of at least
``monitoring_notice_days`` days, the next step after it ends. An identification decided sooner than that allows
(intake to decision in less than the notice's days) is stretched to the shortest the rules allow: the case opens
earlier, its first source with it, and keeps its decision day, from which the elimination criteria count (decided
later only where the household's previous case had not yet closed) — counted as ``stretched``.

County by county, all or nothing; a county that already has monitoring cases is left alone, so a second load
changes nothing. One summary audit row per county."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from fupin.audit.services import audit_record
from fupin.core import codes, progress
from fupin.core.actors import Actor, actor_name
from fupin.core.bulk import bulk_insert, fetch_by_key
from fupin.core.errors import ValidationError
from fupin.core.permissions import require
from fupin.policy.selectors import param
from fupin.registry.choices import MonitoringGroup, ProcedureKind, ProcedureStatus
from fupin.registry.models import Household, Procedure, ProcedureStep
from fupin.registry.procedures import NOTICE, STEPS, VOTE, StepSpec

from .choices import CaseStatus, Channel, MeasureKind, RiskType
from .models import Case, FollowUp, Measure, Source

Echo = Callable[[str], None]
NAMES = ("monitoring_cases", "monitoring_sources", "monitoring_follow_ups", "risk_alerts")
STAMP = pa.timestamp("us", tz="UTC")
CENT = Decimal("0.01")
IDENTIFICATION = STEPS[ProcedureKind.MONITORING]
ELIMINATION = STEPS[ProcedureKind.ELIMINATION]
SAME_DAY = frozenset({"consent", "enter"})  # signed the day of the step before (verification, decision)
ELIMINATION_DAYS = 12  # an elimination takes this long when the case leaves room (verification to decision)
# the review steps an identification may be refused at, and why
REFUSALS = {
    "verify": "入户核实，家庭收入和两不愁三保障稳定，无返贫致贫风险",
    "compare": "部门信息比对，家庭成员有财政供养人员或购置商品房、车辆",
    "township_review": "乡镇审核，风险已通过临时救助化解，不符合纳入条件",
    "county_decision": "县级审定，不符合监测对象认定标准",
}
SIGNERS = {
    "verify": "乡镇核实组",
    "compare": "县扶贫办",
    "vote": "村民代表会议",
    "notice": "村民委员会",
    "township_review": "乡镇人民政府",
    "county_decision": "县扶贫办",
    "enter": "县扶贫办",
}
# what a household reports, or a cadre finds, for each risk (a department source carries its alert's detail)
REPORTED: dict[str, str] = {
    RiskType.ILLNESS: "家庭成员患病住院，医疗费用负担重",
    RiskType.DISABILITY: "家庭成员新增残疾，丧失部分劳动能力",
    RiskType.SCHOOLING: "子女上学费用负担重，有辍学风险",
    RiskType.DISASTER: "遭受自然灾害，房屋和农作物受损",
    RiskType.ACCIDENT: "家庭成员遭遇意外事故，收入中断",
    RiskType.INCOME: "家庭收入大幅下降",
    RiskType.EMPLOYMENT: "外出务工人员失业返乡，务工收入中断",
    RiskType.INDUSTRY: "产业项目失败，投入难以收回",
    RiskType.OTHER: "家庭生活出现严重困难",
}
# the help each risk calls for (one or two measures)
MEASURES: dict[str, tuple[tuple[str, str], ...]] = {
    RiskType.ILLNESS: ((MeasureKind.HEALTH, "大病专项救治、医疗救助，家庭医生签约服务"),
                       (MeasureKind.INSURANCE, "防贫保险理赔，补助医疗自付费用")),
    RiskType.DISABILITY: ((MeasureKind.ASSISTANCE, "残疾人两项补贴，符合条件的纳入低保"),
                          (MeasureKind.EMPLOYMENT, "安排公益性岗位")),
    RiskType.SCHOOLING: ((MeasureKind.EDUCATION, "落实教育资助，控辍保学"),),
    RiskType.DISASTER: ((MeasureKind.HOUSING, "危房改造或灾后重建补助"), (MeasureKind.ASSISTANCE, "临时救助")),
    RiskType.ACCIDENT: ((MeasureKind.ASSISTANCE, "临时救助"), (MeasureKind.INSURANCE, "防贫保险理赔")),
    RiskType.INCOME: ((MeasureKind.EMPLOYMENT, "就业技能培训，推荐稳定务工"),
                      (MeasureKind.ASSISTANCE, "符合条件的纳入低保或给予临时救助")),
    RiskType.EMPLOYMENT: ((MeasureKind.EMPLOYMENT, "组织转移就业，开发公益性岗位"),),
    RiskType.INDUSTRY: ((MeasureKind.INDUSTRY, "产业奖补和扶贫小额信贷，安排技术指导"),),
    RiskType.OTHER: ((MeasureKind.ASSISTANCE, "临时救助，落实兜底保障"),),
}  # fmt: skip
# plain strings for the loops (an enum member's attribute costs more than a constant's)
STATUSES, GROUPS, RISKS = frozenset(CaseStatus.values), frozenset(MonitoringGroup.values), frozenset(RiskType.values)
IDENTIFYING, MONITORED = CaseStatus.IDENTIFYING.value, CaseStatus.MONITORED.value
ELIMINATED, NOT_INCLUDED = CaseStatus.ELIMINATED.value, CaseStatus.NOT_INCLUDED.value
HELPED = frozenset({MONITORED, ELIMINATED})
DEPARTMENT, SELF_REPORT = Channel.DEPARTMENT.value, Channel.SELF_REPORT.value
CHANNEL_LABELS = {c.value: str(c.label) for c in Channel}
# the audit row's counts, named as the audit pages show them
AUDIT_KEYS = {"cases": "监测对象", **{s.value: f"其中{s.label}" for s in CaseStatus}, "sources": "线索来源",
              "follow_ups": "回访", "measures": "帮扶措施", "procedures": "程序", "steps": "程序环节",
              "stretched": "识别用时短于公示期、提前发现日期"}  # fmt: skip
SURNAMES = "杨王吴张李陈刘罗龙赵黄周潘韦石田胡蒙谢安余何徐朱宋邓袁冯彭肖陆韩付熊"
GIVEN = "明华国建文军平志伟云芳英秀兰红梅玉珍丽春林德成永福海金贵富强勇清正光荣发忠先世"


def load_parquet_dir(out: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(out / f"{name}.parquet") for name in NAMES if (out / f"{name}.parquet").exists()}


class _Params:
    """The policy parameters a load reads, each (key, year) read once."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, int], Any] = {}

    def __call__(self, key: str, year: int) -> Any:
        if (key, year) not in self._read:
            self._read[key, year] = param(key, year)
        return self._read[key, year]


def _hash(text: str) -> int:
    return zlib.crc32(text.encode())


def person_name(key: str) -> str:
    """A plausible Chinese name, the same for the same key: a surname and one or two given characters."""
    h = _hash(key)
    name = SURNAMES[h % len(SURNAMES)] + GIVEN[(h // 64) % len(GIVEN)]
    if h % 5:
        name += GIVEN[(h // 4096) % len(GIVEN)]
    return name


def _money(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class _Step:
    spec: StepSpec
    on: date
    notice_end: date | None = None
    approved: bool = True
    note: str = ""


@dataclass
class _Case:
    """One case of the file, planned: its dates (stretched when need be), its steps and its rows."""

    no: str  # the file's case number
    household: int
    village: str
    head: str
    status: str
    group: str
    risk: str
    opened: date
    decided: date | None
    eliminated: date | None
    sources: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    stretched: bool = False
    steps: list[_Step] = field(default_factory=list)
    elimination_steps: list[_Step] = field(default_factory=list)
    refused: str = ""
    pk: int = 0  # the loaded case's, and its procedures'
    identification: int = 0
    elimination: int = 0


def _layout(specs: Sequence[StepSpec], start: date, last: date, notice_days: int) -> list[_Step]:
    """The steps dated from ``start`` to ``last`` (the last one's date): a step after a notice the day after it ends,
    the same-day steps with the step before, the slack spread evenly over the other gaps."""
    mandatory = [0] + [notice_days if specs[i - 1].kind == NOTICE else 0 for i in range(1, len(specs))]
    flexible = [i for i in range(1, len(specs)) if specs[i].code not in SAME_DAY] or list(range(1, len(specs)))
    slack = (last - start).days - sum(mandatory)
    if slack < 0:
        raise ValueError(f"{len(specs)} steps do not fit in {start}–{last}")  # a planning error, never the data's
    extra = [0] * len(specs)
    if flexible:
        each, rest = divmod(slack, len(flexible))
        for j, i in enumerate(flexible):
            extra[i] = each + (1 if j < rest else 0)
    steps, on = [], start
    for i, spec in enumerate(specs):
        on += timedelta(days=mandatory[i] + extra[i])
        end = on + timedelta(days=notice_days - 1) if spec.kind == NOTICE else None
        steps.append(_Step(spec, on, end))
    return steps


def _shortest(specs: Sequence[StepSpec], notice_days: int) -> int:
    """The fewest days from the first step to the last of ``specs`` (a notice and the day after it)."""
    return sum(notice_days for s in specs[:-1] if s.kind == NOTICE)


def _open_steps(case: _Case, notice_days: int, until: date) -> list[_Step]:
    """An identification still open on ``until``: the report, then the steps the case's pace (one to three days
    apart) fits before it — never the county's decision."""
    pace = timedelta(days=1 + _hash(case.no) % 3)
    steps, on, after = [_Step(IDENTIFICATION[0], case.opened)], case.opened, case.opened
    for spec in IDENTIFICATION[1:]:
        if spec.code == "county_decision":
            break
        on = on if spec.code in SAME_DAY else max(on + pace, after)
        end = on + timedelta(days=notice_days - 1) if spec.kind == NOTICE else None
        if (end or on) > until:
            break
        steps.append(_Step(spec, on, end))
        after = end + timedelta(days=1) if end else on
    return steps


def _plan(case: _Case, notice_days: int) -> None:
    """The case's identification steps (and its elimination's) by its status."""
    status = case.status
    if status == IDENTIFYING:
        until = min(date(case.opened.year, 12, 31), timezone.localdate())
        case.steps = _open_steps(case, notice_days, until)
        return
    assert case.decided is not None
    span = (case.decided - case.opened).days
    if status == NOT_INCLUDED:
        # refused at a review the time allows (the later ones need the notice before them)
        fits = [i for i, s in enumerate(IDENTIFICATION) if s.code in REFUSALS
                and _shortest(IDENTIFICATION[: i + 1], notice_days) <= span]  # fmt: skip
        at = fits[_hash(case.no) % len(fits)]
        case.steps = _layout(IDENTIFICATION[: at + 1], case.opened, case.decided, notice_days)
        refused = case.steps[-1]
        refused.approved, refused.note = False, REFUSALS[refused.spec.code]
        case.refused = f"「{refused.spec.title}」未通过：{refused.note}"
        return
    case.steps = _layout(IDENTIFICATION, case.opened, case.decided, notice_days)
    if status == ELIMINATED:
        assert case.eliminated is not None
        start = max(case.decided + timedelta(days=1), case.eliminated - timedelta(days=ELIMINATION_DAYS))
        if (case.eliminated - start).days < _shortest(ELIMINATION, notice_days):
            raise ValidationError(
                f"监测对象 {case.no} 的风险消除日期 {case.eliminated} 距县级确定日期过近，无法办理公示"
            )
        case.elimination_steps = _layout(ELIMINATION, start, case.eliminated, notice_days)


def _stretch(cases: list[_Case], notice_days: Callable[[int], int]) -> None:
    """A household's cases (in order): an identification decided sooner than the notice allows opens earlier, its
    first source with it — the decision stays, the elimination criteria count from it — but not before the
    household's previous case closed (then it is decided later)."""
    closed: date | None = None
    for case in cases:
        if case.status in HELPED and case.decided is not None:
            need = notice_days(case.opened.year) - (case.decided - case.opened).days
            if need > 0:
                room = need if closed is None else max(0, (case.opened - closed).days - 1)
                earlier = min(need, room)
                case.opened -= timedelta(days=earlier)
                case.decided += timedelta(days=need - earlier)
                if case.sources and earlier:
                    case.sources[0]["on"] = case.opened
                case.stretched = True
        closed = case.eliminated or (case.decided if case.status == NOT_INCLUDED else None)


def _group_by(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def _alerts(table: pa.Table | None) -> dict[str, dict[str, Any]]:
    """The departments' alerts by the reference a department source cites (``services._take_alerts``)."""
    if table is None:
        return {}
    cols = ("department", "alert_no", "occurred_on", "amount", "detail")
    return {f"{r['department']}:{r['alert_no']}": r for r in table.select(list(cols)).to_pylist()}


def monitoring_load(*, actor: Actor | None, tables: dict[str, pa.Table], source: str, echo: Echo | None = None) -> int:
    """Load the tables' counties that have no monitoring case yet (see the module's docstring); returns the number
    of cases loaded."""
    say = echo or (lambda _: None)
    cases = tables.get("monitoring_cases")
    if cases is None or cases.num_rows == 0:
        return 0
    villages = cases.column("village_code").cast(pa.string())
    counties = sorted({v[:6] for v in pc.unique(villages).to_pylist()})
    for county in counties:
        require(actor, "registry.import", codes.normalize(county))
        require(actor, "monitoring.intake", codes.normalize(county))
    alerts = _alerts(tables.get("risk_alerts"))
    params = _Params()
    sources = tables.get("monitoring_sources")
    visits = tables.get("monitoring_follow_ups")
    total = 0
    for k, county in enumerate(counties):
        progress.report("防返贫监测对象", k, len(counties))
        area = codes.normalize(county)
        lo, hi = codes.code_range(area)
        if Case.objects.filter(village_id__gte=lo, village_id__lte=hi).exists():
            say(f"{area}：已有防返贫监测数据，跳过")
            continue
        part = cases.filter(pc.starts_with(villages, county))
        ids = part.column("case_id")
        with transaction.atomic():
            counts = _county(
                actor,
                area,
                part,
                sources.filter(pc.is_in(sources.column("case_id"), ids)) if sources is not None else None,
                visits.filter(pc.is_in(visits.column("case_id"), ids)) if visits is not None else None,
                alerts,
                source,
                params,
            )
        total += counts["cases"]
        say(
            f"{area}：防返贫监测对象 {counts['cases']:,} 个（识别中 {counts['identifying']:,}，监测帮扶中 "
            f"{counts['monitored']:,}，风险已消除 {counts['eliminated']:,}，未纳入 {counts['not_included']:,}），"
            f"线索 {counts['sources']:,} 条，回访 {counts['follow_ups']:,} 次，帮扶措施 {counts['measures']:,} 项，"
            f"程序环节 {counts['steps']:,} 个"
            + (f"；{counts['stretched']} 个识别用时短于公示期，已按程序提前发现日期" if counts["stretched"] else "")
        )
    progress.report("完成", len(counties), len(counties))
    return total


def _county(  # noqa: PLR0917 - one county's tables, positional
    actor: Actor | None,
    area: str,
    cases: pa.Table,
    sources: pa.Table | None,
    visits: pa.Table | None,
    alerts: dict[str, dict[str, Any]],
    source: str,
    params: _Params,
) -> dict[str, int]:
    rows = cases.to_pylist()
    by_no = {str(r["household_id"]): r for r in rows}
    households = fetch_by_key(Household, "household_no", list(by_no), ["pk", "village_id", "head_name", "status"])
    missing = sorted(set(by_no) - set(households))
    if missing:
        raise ValidationError(
            f"{len(missing)} 个监测对象的户不在建档立卡系统中（如 {missing[0]}），请先载入建档立卡数据"
        )
    pks = [int(households[h][0]) for h in by_no]
    if Procedure.objects.filter(
        household_id__in=pks, kind=ProcedureKind.MONITORING, status=ProcedureStatus.OPEN
    ).exists():
        raise ValidationError(f"{area} 有户已在办理防返贫监测程序，批量载入只用于尚无监测数据的县")
    source_rows = _group_by(sorted(sources.to_pylist(), key=lambda r: (r["case_id"], r["on"]))
                            if sources is not None else [], "case_id")  # fmt: skip
    visit_rows = _group_by(visits.to_pylist() if visits is not None else [], "case_id")
    planned = []
    for r in sorted(rows, key=lambda r: (str(r["household_id"]), r["opened_on"], r["case_id"])):
        pk, village, head, _ = households[str(r["household_id"])]
        status = str(r["status"])
        if status not in STATUSES:
            raise ValidationError(f"监测对象 {r['case_id']} 的状态“{status}”无效")
        if r["group"] not in GROUPS:
            raise ValidationError(f"监测对象 {r['case_id']} 的监测对象类型“{r['group']}”无效")
        if status != IDENTIFYING and r["decided_on"] is None:
            raise ValidationError(f"监测对象 {r['case_id']} 缺少县级确定日期")
        if status == ELIMINATED and r["eliminated_on"] is None:
            raise ValidationError(f"监测对象 {r['case_id']} 缺少风险消除日期")
        if status != IDENTIFYING and r["decided_on"] < r["opened_on"]:
            raise ValidationError(f"监测对象 {r['case_id']} 的县级确定日期早于发现日期")
        planned.append(
            _Case(
                no=str(r["case_id"]), household=int(pk), village=str(village), head=str(head or ""), status=status,
                group=str(r["group"]), risk=r["risk"] if r["risk"] in RISKS else RiskType.OTHER.value,
                opened=r["opened_on"], decided=r["decided_on"] if status != IDENTIFYING else None,
                eliminated=r["eliminated_on"] if status == ELIMINATED else None,
                sources=[dict(s) for s in source_rows.get(r["case_id"], [])],
                visits=visit_rows.get(r["case_id"], []),
            )
        )  # fmt: skip

    def notice_days(year: int) -> int:
        return int(params("monitoring_notice_days", year))

    by_household: dict[int, list[_Case]] = {}
    for c in planned:  # in order: a household's earlier case first
        by_household.setdefault(c.household, []).append(c)
    for household_cases in by_household.values():
        _stretch(household_cases, notice_days)
    for c in planned:
        _plan(c, notice_days(c.opened.year))
    return _write(actor, area, planned, alerts, source, params)


# --- writing ---------------------------------------------------------------------------------------------------------

PROCEDURE_SCHEMA = pa.schema(
    [("id", pa.int64()), ("household_id", pa.int64()), ("village_id", pa.string()), ("kind", pa.string()),
     ("status", pa.string()), ("year", pa.int16()), ("reason", pa.string()), ("outcome", pa.string()),
     ("opened_on", pa.date32()), ("closed_on", pa.date32()), ("override_reason", pa.string()),
     ("override_by", pa.string()), ("override_vetoes", pa.string())]
)  # fmt: skip
CASE_SCHEMA = pa.schema(
    [("id", pa.int64()), ("household_id", pa.int64()), ("village_id", pa.string()), ("status", pa.string()),
     ("group", pa.string()), ("risk", pa.string()), ("opened_on", pa.date32()), ("deadline", pa.date32()),
     ("decided_on", pa.date32()), ("eliminated_on", pa.date32()), ("closed_reason", pa.string()),
     ("identification_id", pa.int64()), ("elimination_id", pa.int64()), ("previous_id", pa.int64()),
     ("responsible", pa.string()), ("factors", pa.string()), ("elimination_ready", pa.bool_()),
     ("elimination_gaps", pa.string()), ("created_at", STAMP)]
)  # fmt: skip
STEP_SCHEMA = pa.schema(
    [("procedure_id", pa.int64()), ("village_id", pa.string()), ("seq", pa.int16()), ("step", pa.string()),
     ("on", pa.date32()), ("signer", pa.string()), ("approved", pa.bool_()), ("votes_total", pa.int16()),
     ("votes_present", pa.int16()), ("votes_for", pa.int16()), ("notice_start", pa.date32()),
     ("notice_end", pa.date32()), ("note", pa.string()), ("actor_username", pa.string()), ("recorded_at", STAMP)]
)  # fmt: skip
SOURCE_SCHEMA = pa.schema(
    [("case_id", pa.int64()), ("village_id", pa.string()), ("channel", pa.string()), ("ref", pa.string()),
     ("reported_on", pa.date32()), ("risk", pa.string()), ("department", pa.string()),
     ("amount", pa.decimal128(12, 2)), ("detail", pa.string()), ("reported_by", pa.string())]
)  # fmt: skip
FOLLOW_UP_SCHEMA = pa.schema(
    [("case_id", pa.int64()), ("village_id", pa.string()), ("visited_on", pa.date32()), ("visitor", pa.string()),
     ("income_per_capita", pa.decimal128(12, 2)), ("rigid_spending", pa.decimal128(12, 2)),
     ("guarantees_ok", pa.bool_()), ("note", pa.string()), ("recorded_by", pa.string())]
)  # fmt: skip
MEASURE_SCHEMA = pa.schema(
    [("case_id", pa.int64()), ("village_id", pa.string()), ("kind", pa.string()), ("content", pa.string()),
     ("responsible", pa.string()), ("started_on", pa.date32()), ("ended_on", pa.date32()),
     ("recorded_by", pa.string())]
)  # fmt: skip


def _insert(model: type[Any], rows: list[dict[str, Any]], schema: pa.Schema) -> int:
    if rows:
        bulk_insert(model, pa.Table.from_pylist(rows, schema))
    return len(rows)


def _procedure(case: _Case, pk: int, kind: str, steps: list[_Step]) -> dict[str, Any]:
    if kind == ProcedureKind.ELIMINATION or case.status in HELPED:
        status, outcome = ProcedureStatus.COMPLETED, "已办结"
    elif case.status == NOT_INCLUDED:
        status, outcome = ProcedureStatus.REFUSED, case.refused[:200]
    else:
        status, outcome = ProcedureStatus.OPEN, ""
    return {
        "id": pk, "household_id": case.household, "village_id": case.village, "kind": kind, "status": status,
        "year": steps[0].on.year, "reason": case.group if kind == ProcedureKind.MONITORING else "",
        "outcome": outcome, "opened_on": steps[0].on,
        "closed_on": steps[-1].on if status != ProcedureStatus.OPEN else None,
        "override_reason": "", "override_by": "", "override_vetoes": "",
    }  # fmt: skip


def _votes(key: str, year: int, params: _Params) -> tuple[int, int, int]:
    """Representatives due, present and for: the quorum met and a majority of those present, varied by ``key``."""
    h = _hash(key)
    total = 9 + h % 13
    needed = math.ceil(float(params("vote_quorum", year)) * total - 1e-9)
    present = needed + (h // 13) % (total - needed + 1)
    least = math.floor(float(params("vote_pass", year)) * present) + 1
    return total, present, min(present, least + (h // 7) % (present - least + 1))


def _signer(case: _Case, spec: StepSpec) -> str:
    if spec.code == "report":
        channel = case.sources[0]["channel"] if case.sources else ""
        if channel == SELF_REPORT:
            return case.head or "户主"
        if channel == DEPARTMENT:  # the department signs its report, as a monitoring run has it
            return f"{str(case.sources[0]['ref']).split(':', 1)[0]}（部门预警）"
        return person_name(f"visit:{case.village}")
    if spec.code == "consent":
        return case.head or "户主"
    return SIGNERS[spec.code]


def _step_rows(case: _Case, steps: list[_Step], procedure_id: int, who: str, params: _Params) -> list[dict[str, Any]]:
    rows = []
    for seq, step in enumerate(steps, 1):
        vote = step.spec.kind == VOTE
        key = f"{case.no}:{steps[0].spec.code}:{seq}"
        total, present, votes_for = _votes(key, step.on.year, params) if vote else (0, 0, 0)
        note = (
            CHANNEL_LABELS.get(case.sources[0]["channel"], "")
            if step.spec.code == "report" and case.sources
            else step.note
        )
        rows.append({
            "procedure_id": procedure_id, "village_id": case.village, "seq": seq, "step": step.spec.code,
            "on": step.on, "signer": _signer(case, step.spec)[:64], "approved": step.approved,
            "votes_total": total if vote else None, "votes_present": present if vote else None,
            "votes_for": votes_for if vote else None,
            "notice_start": step.on if step.spec.kind == NOTICE else None, "notice_end": step.notice_end,
            "note": note, "actor_username": who,
        })  # fmt: skip
    return rows


def _source_rows(case: _Case, alerts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A department source carries its alert's department, amount and detail (private); a report or a visit says
    what the risk is."""
    rows = []
    for s in case.sources:
        channel, ref = str(s["channel"]), str(s["ref"])
        risk = s["risk"] if s["risk"] in RISKS else case.risk
        row = {"case_id": case.pk, "village_id": case.village, "channel": channel, "ref": ref[:64],
               "reported_on": s["on"], "risk": risk, "department": "", "amount": None}  # fmt: skip
        if channel == DEPARTMENT:
            alert = alerts.get(ref)
            row["department"] = str(alert["department"] if alert else ref.split(":", 1)[0])[:32]
            row["amount"] = _money(alert["amount"]) if alert else None
            row["detail"], row["reported_by"] = str(alert["detail"] or "")[:500] if alert else "", "部门预警比对"
        elif channel == SELF_REPORT:
            row["detail"], row["reported_by"] = REPORTED[risk], case.head or "户主"
        else:
            row["detail"] = f"走访发现：{REPORTED[risk]}"
            row["reported_by"] = person_name(f"visit:{case.village}")
        rows.append(row)
    return rows


def _follow_up_rows(case: _Case, by: str) -> list[dict[str, Any]]:
    visitor = person_name(f"township:{case.village[:9]}")  # the township's cadre
    return [
        {"case_id": case.pk, "village_id": case.village, "visited_on": v["on"], "visitor": visitor,
         "income_per_capita": _money(v["income"]), "rigid_spending": _money(v["rigid_spending"]) or Decimal("0.00"),
         "guarantees_ok": bool(v["guarantees_ok"]), "note": "", "recorded_by": by}
        for v in case.visits
    ]  # fmt: skip


def _measure_rows(case: _Case, by: str) -> list[dict[str, Any]]:
    if case.status not in HELPED:
        return []
    return [
        {"case_id": case.pk, "village_id": case.village, "kind": str(kind), "content": content,
         "responsible": person_name(f"case:{case.no}"), "started_on": case.decided, "ended_on": case.eliminated,
         "recorded_by": by}
        for kind, content in MEASURES[case.risk]
    ]  # fmt: skip


def _new_ids(model: type[Model], n: int) -> list[int]:
    """``n`` fresh primary keys of ``model``'s table for rows inserted with them: PostgreSQL draws them from the
    column's sequence; SQLite takes those after the largest (the transaction holds the write lock from its start)."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [int(r[0]) for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a model's
        last = int(cursor.fetchone()[0])
    return list(range(last + 1, last + n + 1))


def _write_procedures(planned: list[_Case], who: str, params: _Params) -> tuple[int, int]:
    """Every case's identification and every eliminated case's elimination, with their steps (the cases learn their
    procedures' keys); returns the numbers of procedures and steps."""
    eliminated = [c for c in planned if c.elimination_steps]
    ids = _new_ids(Procedure, len(planned) + len(eliminated))
    for c, pk in zip(planned, ids, strict=False):
        c.identification = pk
    for c, pk in zip(eliminated, ids[len(planned) :], strict=True):
        c.elimination = pk
    procedures = [_procedure(c, c.identification, ProcedureKind.MONITORING, c.steps) for c in planned]
    procedures += [_procedure(c, c.elimination, ProcedureKind.ELIMINATION, c.elimination_steps) for c in eliminated]
    _insert(Procedure, procedures, PROCEDURE_SCHEMA)
    now = timezone.now()
    steps = []
    for c in planned:
        steps += _step_rows(c, c.steps, c.identification, who, params)
        if c.elimination_steps:
            steps += _step_rows(c, c.elimination_steps, c.elimination, who, params)
    for row in steps:
        row["recorded_at"] = now
    return len(procedures), _insert(ProcedureStep, steps, STEP_SCHEMA)


def _write_cases(planned: list[_Case], params: _Params) -> None:
    """The cases, each keeping its household's earlier case as ``previous``."""
    now = timezone.now()
    earlier: dict[int, int] = {}
    rows = []
    for c, pk in zip(planned, _new_ids(Case, len(planned)), strict=True):  # a household's earlier case first
        c.pk = pk
        limit = timedelta(days=int(params("monitoring_decision_days", c.opened.year)))
        rows.append({
            "id": pk, "household_id": c.household, "village_id": c.village, "status": c.status, "group": c.group,
            "risk": c.risk, "opened_on": c.opened, "deadline": c.opened + limit, "decided_on": c.decided,
            "eliminated_on": c.eliminated, "closed_reason": c.refused[:200], "identification_id": c.identification,
            "elimination_id": c.elimination or None, "previous_id": earlier.get(c.household),
            "responsible": person_name(f"case:{c.no}"), "factors": "[]", "elimination_ready": False,
            "elimination_gaps": "", "created_at": now,
        })  # fmt: skip
        earlier[c.household] = pk
    _insert(Case, rows, CASE_SCHEMA)


def _write(  # noqa: PLR0917 - the county's cases, positional
    actor: Actor | None,
    area: str,
    planned: list[_Case],
    alerts: dict[str, dict[str, Any]],
    source: str,
    params: _Params,
) -> dict[str, int]:
    who = (getattr(actor, "username", "") or "system")[:150]
    by = actor_name(actor)[:150]
    procedures, steps = _write_procedures(planned, who, params)
    _write_cases(planned, params)
    counts = {"cases": len(planned), **{s: sum(1 for c in planned if c.status == s) for s in sorted(STATUSES)}}
    counts["sources"] = _insert(Source, [r for c in planned for r in _source_rows(c, alerts)], SOURCE_SCHEMA)
    counts["follow_ups"] = _insert(FollowUp, [r for c in planned for r in _follow_up_rows(c, by)], FOLLOW_UP_SCHEMA)
    counts["measures"] = _insert(Measure, [r for c in planned for r in _measure_rows(c, by)], MEASURE_SCHEMA)
    counts["procedures"], counts["steps"] = procedures, steps
    counts["stretched"] = sum(1 for c in planned if c.stretched)
    # a monitored household's group (the identification's last step applies it; an elimination clears it)
    groups: dict[str, list[int]] = {}
    for c in planned:
        if c.status == MONITORED:
            groups.setdefault(c.group, []).append(c.household)
    for value, households in groups.items():
        for i in range(0, len(households), 5000):
            Household.objects.filter(pk__in=households[i : i + 5000]).update(monitoring_group=value)
    audit_record(actor=actor, action="monitoring.load", entity=None, area_code=area, entity_type="monitoring.batch",
                 entity_id=source[:64], changes={AUDIT_KEYS[k]: [None, v] for k, v in counts.items() if v})  # fmt: skip
    return counts
