"""Printed paper of the registry, as PDF in the layout villages post on the notice board: the 公示/公告 of a
procedure, a household's 建档立卡信息卡 and the 民主评议会议记录 of a vote.

Typst typesets (the PyPI package ``typst``: self-contained wheels, no system library). Every page is a fixed
template below and one data literal built here from scoped reads; user text reaches Typst only inside string
literals written by ``typst_literal`` (so a name like ``#[$*_\\`@<`` is printed as it is, never interpreted).

Who may print: whoever may view the household or the procedure (scoped reads; out of scope is not found).
ID numbers: on the card as the household page shows them to the viewer's role; a public notice shows none at all
(policy: 公示 shows name, size and reason only).

Chinese needs a CJK font (Debian's fonts-noto-cjk, or the directories in ``FUPIN_CJK_FONT_DIRS``); without one
printing is refused with a Chinese message rather than printing empty boxes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Count

from fupin.areas.selectors import area_ancestors
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError, ValidationError
from fupin.policy.selectors import param

from . import selectors
from .choices import ProcedureKind, ProcedureStatus
from .models import Household, Procedure, ProcedureStep
from .procedures import NOTICE, VOTE, StepSpec, next_step, steps_of
from .typesetting import (  # noqa: F401 - the engine's names, read through this module by its callers
    FONT_DIRS_ENV,
    Printout,
    PrintUnavailableError,
    cjk_fonts,
    render_pdf,
    typst_literal,
    typst_string,
)

NOTICE_TEMPLATE = r"""
#heading-text(data.title)
#v(0.3em)
#sub-text(data.place)
#v(0.8em)
#indent(data.lead)
#indent(data.period)
#table(
  columns: (3.2em, 1fr, 8em, 1.6fr),
  table.header(strong("序号"), strong("户主姓名"), strong("家庭人口（人）"), strong(data.reason_header)),
  ..data.rows.enumerate().map(((i, r)) => (str(i + 1), r.head, str(r.size), r.reason)).flatten(),
)
#if data.objection != "" { indent(data.objection) }
#if data.office != "" { indent[#data.office;联系电话：#blank(w: 9em)　　扶贫监督举报电话：#data.hotline] }
#v(2.5em)
#seal(data.issuer, data.date)
"""

CARD_TEMPLATE = r"""
#set page(flipped: true, margin: (x: 1.6cm, top: 1.6cm, bottom: 2cm))
#set text(size: 10.5pt)
#heading-text(data.title)
#v(0.2em)
#sub-text(data.place)
#v(0.6em)
#table(
  columns: (7.5em, 1fr, 7.5em, 1fr, 7.5em, 1fr),
  align: (right + horizon, left + horizon) * 3,
  ..data.facts.map(((k, v)) => (strong(k), v)).flatten(),
)
#v(0.4em)
#section[家庭成员]
#table(
  columns: (auto, auto, auto, auto, auto, auto, auto, auto, auto, auto, auto, auto),
  table.header(..("姓名", "性别", "身份证号", "与户主关系", "出生日期", "文化程度", "在校情况", "健康状况",
    "残疾情况", "劳动技能", "务工(月)", "医保/大病").map(strong)),
  ..data.members.map(m => (m.name, m.sex, text(font: sans, m.id), m.relation, m.birth, m.education, m.school,
    m.health, m.disability, m.labour, m.migrant, m.insurance)).flatten(),
)
#if data.years.len() > 0 [
  #section[近年收入与“两不愁三保障”]
  #table(
    columns: (auto, auto, 1fr, 1fr, 1fr, 1fr, 1fr, auto, auto),
    table.header(..("年度", "年末状态", "人均纯收入(元)", "工资性", "生产经营性", "财产性", "转移性",
      "不愁吃/穿", "义务教育/医疗/住房/饮水").map(strong)),
    ..data.years.map(y => (y.year, y.poor, y.income, y.wage, y.production, y.property, y.transfer, y.food,
      y.guarantees)).flatten(),
  )
]
#text(size: 9pt, fill: luma(70), data.id_note)
#v(1.2em)
#grid(columns: (1fr, 1fr, 1fr), gutter: 1em,
  [户主（签字）：#blank(w: 7em)], [帮扶责任人（签字）：#blank(w: 7em)], [#data.issuer（盖章）])
#v(0.6em)
#align(right, text(size: 9pt, fill: luma(70), data.printed))
"""

MINUTES_TEMPLATE = r"""
#heading-text(data.title)
#v(0.3em)
#sub-text(data.place)
#v(0.8em)
#table(
  columns: (8em, 1fr),
  align: (right + horizon, left + horizon),
  ..data.rows.map(((k, v)) => (strong(k), value-or-blank(v, w: 12em))).flatten(),
)
#v(1em)
#grid(columns: (1fr, 1fr), gutter: 1em,
  [主持人（签字）：#blank(w: 8em)], [记录人（签字）：#blank(w: 8em)])
#v(1em)
#section[参会代表签字]
#table(columns: (1fr, 1fr, 1fr, 1fr), inset: (y: 11pt), ..range(data.signature_cells).map(_ => []))
#v(2em)
#seal(data.issuer, data.date)
"""


# ---------------------------------------------------------------------------------------------------------------
# Names of places and issuers


def _short_village(name: str) -> str:
    """阳关村村民委员会 → 阳关村, 大洼塘村民委员会 → 大洼塘村, 海边社区居民委员会 → 海边社区."""
    for suffix, short in (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", "社区"), ("居委会", "社区")):
        if name.endswith(suffix) and len(name) > len(suffix):
            rest = name[: -len(suffix)]
            return rest if rest.endswith(short) else rest + short
    return name


def _committee(name: str) -> str:
    if name.endswith(("委员会", "委会")):
        return name
    return name + ("居民委员会" if name.endswith("社区") else "村民委员会")


def _government(name: str) -> str:
    return name + ("办事处" if name.endswith("街道") else "人民政府")


@dataclass(frozen=True)
class Place:
    village: str  # 某某村
    committee: str  # 某某村民委员会
    township: str  # 某某镇
    county: str  # 某某县
    full: str  # 省 市 县 乡 村


def _place(village: Any) -> Place:
    chain = [*area_ancestors(area=village), village]
    names = [a.name for a in chain]
    township = chain[-2].name if len(chain) >= 2 else ""
    county = chain[-3].name if len(chain) >= 3 else ""
    full = "".join(names[:-1]) + _short_village(village.name)
    return Place(_short_village(village.name), _committee(village.name), township, county, full)


def _issuer(place: Place, spec: StepSpec) -> str:
    if spec.level <= codes.COUNTY:
        return _government(place.county)
    if spec.level <= codes.TOWNSHIP:
        return _government(place.township)
    return place.committee


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _today() -> date:
    return date.today()  # noqa: DTZ011 - a calendar date printed on paper


def _ratio(value: float) -> str:
    f = Fraction(value).limit_denominator(12)
    if f.denominator > 1 and abs(float(f) - value) < 1e-6:
        return f"{f.numerator}/{f.denominator}"
    return f"{value:.0%}"


def _procedure(viewer: Actor | None, procedure_id: int) -> Procedure:
    procedure = None
    if 0 < procedure_id < 2**31:
        procedure = (
            scoping.scoped(Procedure, viewer)
            .filter(pk=procedure_id)
            .select_related("household", "village")
            .prefetch_related("steps")
            .first()
        )
    if procedure is None:
        raise NotFoundError("该程序不存在或不在您的管辖范围内")
    return procedure


# ---------------------------------------------------------------------------------------------------------------
# 公示 / 公告

ANNOUNCE = "announce"
# (kind, step) -> (title, the paragraph before the list, the list's reason column)
NOTICE_TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    (ProcedureKind.IDENTIFICATION, "notice_village"): (
        "拟识别贫困户名单公示",
        "经农户申请、村民小组提名、村民代表评议票决和村委会审查，现将本村拟识别为建档立卡贫困户的名单予以公示。",
    ),
    (ProcedureKind.IDENTIFICATION, "notice_township"): (
        "拟识别贫困户名单公示（乡镇审核后）",
        "经村内公示无异议、乡镇人民政府审核，现将本村拟识别为建档立卡贫困户的名单再次予以公示。",
    ),
    (ProcedureKind.IDENTIFICATION, ANNOUNCE): (
        "建档立卡贫困户识别结果公告",
        "经县扶贫开发领导小组办公室复核、县人民政府审批，下列农户识别为建档立卡贫困户，现予公告。",
    ),
    (ProcedureKind.EXIT, "notice"): (
        "拟退出贫困户名单公示",
        "经民主评议、村两委和驻村工作队核实、贫困户签字认可，现将本村拟脱贫退出的贫困户名单予以公示。",
    ),
    (ProcedureKind.EXIT, ANNOUNCE): (
        "贫困户脱贫退出公告",
        "经公示无异议，下列贫困户达到脱贫退出标准，现予公告。",
    ),
    (ProcedureKind.RETURN, "notice"): (
        "拟认定返贫户名单公示",
        "经村民代表评议、乡镇人民政府审核，现将本村拟认定为返贫户的名单予以公示。",
    ),
    (ProcedureKind.MONITORING, "notice"): (
        "拟纳入防止返贫监测对象名单公示",
        "经农户申报、干部走访排查或部门筛查预警，入户核实、农户承诺授权、部门信息比对和村级民主评议，"
        "现将本村拟纳入防止返贫监测的对象名单予以公示。",
    ),
    (ProcedureKind.ELIMINATION, "notice"): (
        "拟标注风险消除的监测对象名单公示",
        "经入户核实和村级民主评议，下列监测对象收入持续稳定、“两不愁三保障”及饮水安全持续巩固，"
        "现将拟标注风险消除的名单予以公示。",
    ),
}
# the reason column: a monitoring notice shows the group only — never the risk behind it (an illness, a bill)
REASON_HEADERS = {ProcedureKind.IDENTIFICATION: "主要致贫原因", ProcedureKind.EXIT: "退出事由",
                  ProcedureKind.RETURN: "返贫原因", ProcedureKind.MONITORING: "监测对象类型",
                  ProcedureKind.ELIMINATION: "监测对象类型"}  # fmt: skip
# The national poverty-alleviation supervision hotline (国务院扶贫办 12317).
HOTLINE = "12317"


def _is_notice(spec: StepSpec) -> bool:
    return spec.kind == NOTICE or spec.code == ANNOUNCE


def _notice_step(procedure: Procedure) -> tuple[StepSpec, ProcedureStep | None]:
    """The notice to print: the procedure's current step if it is a 公示 or 公告 (recorded: with its period; the
    next one: with blanks to fill in by hand), else the latest one recorded (a copy for the file)."""
    specs = {s.code: s for s in steps_of(procedure.kind)}
    done = sorted(procedure.steps.all(), key=lambda s: s.seq)
    if done and (spec := specs.get(done[-1].step)) is not None and _is_notice(spec):
        return spec, done[-1]
    nxt = next_step(procedure)
    if nxt is not None and _is_notice(nxt):
        return nxt, None
    for step in reversed(done):
        if (spec := specs.get(step.step)) is not None and _is_notice(spec):
            return spec, step
    raise ValidationError(f"该{procedure.get_kind_display()}程序尚未进行到公示或公告环节，暂无可打印的公示")


def _notice_batch(viewer: Actor | None, procedure: Procedure, spec: StepSpec, step: ProcedureStep | None) -> list[Any]:
    """The households posted together: the village's procedures of the same kind at the same notice (the same
    period, or the same 公告 date; for a notice not yet recorded, those whose next step it is)."""
    same = scoping.scoped(Procedure, viewer).filter(village_id=procedure.village_id, kind=procedure.kind)
    if step is not None:
        steps = scoping.scoped(ProcedureStep, viewer).filter(village_id=procedure.village_id, step=spec.code)
        if spec.kind == NOTICE:
            steps = steps.filter(notice_start=step.notice_start, notice_end=step.notice_end)
        else:
            steps = steps.filter(on=step.on)
        same = same.filter(pk__in=steps.values("procedure_id"))
    else:
        index = [s.code for s in steps_of(procedure.kind)].index(spec.code)
        same = same.filter(status=ProcedureStatus.OPEN).annotate(done=Count("steps")).filter(done=index)
    found = list(same.select_related("household").order_by("household__household_no", "id")[:2000])
    if procedure.pk not in {p.pk for p in found}:
        found.insert(0, procedure)
    return found


def _reason(procedure: Procedure) -> str:
    if procedure.kind == ProcedureKind.IDENTIFICATION:
        return procedure.household.main_cause or procedure.reason or "—"
    if procedure.kind == ProcedureKind.RETURN:
        return procedure.reason or procedure.household.main_cause or "—"
    if procedure.kind == ProcedureKind.ELIMINATION:
        return procedure.household.monitoring_group or "—"
    return procedure.reason or "—"


def procedure_notice(*, viewer: Actor | None, procedure_id: int) -> Printout:
    """The 公示 or 公告 of a procedure's current notice step, listing every household posted with it. No ID number
    appears, whoever prints it: the paper goes on a public board (policy: name, size and reason only)."""
    procedure = _procedure(viewer, procedure_id)
    spec, step = _notice_step(procedure)
    default_title = "公告" if spec.code == ANNOUNCE else "公示"
    title, lead = NOTICE_TEXTS.get((procedure.kind, spec.code), (f"{procedure.get_kind_display()}{default_title}", ""))
    place = _place(procedure.village)
    rows = [{"head": p.household.head_name or "（未填写）", "size": int(p.household.size), "reason": _reason(p)}
            for p in _notice_batch(viewer, procedure, spec, step)]  # fmt: skip
    objection = office = period = ""
    if spec.kind == NOTICE:
        if step is not None and step.notice_start and step.notice_end:
            days = (step.notice_end - step.notice_start).days + 1
            period = f"公示期：{_day(step.notice_start)}至{_day(step.notice_end)}，共 {days} 天。"
        else:
            minimum = int(param(spec.notice_param, procedure.year)) if spec.notice_param else 7
            period = f"公示期：　　年　　月　　日至　　年　　月　　日（不少于 {minimum} 天）。"
        objection = (
            f"公示期间，对名单有异议的，可以书面、电话或当面方式向{place.committee}或{_government(place.township)}"
            "反映，也可向县扶贫开发领导小组办公室反映。"
        )
        office = _government(place.township)
    on = step.notice_start if step is not None and step.notice_start else (step.on if step is not None else None)
    data = {
        "title": f"{place.village}{procedure.year}年{title}",
        "place": place.full,
        "lead": lead,
        "period": period,
        "reason_header": REASON_HEADERS.get(ProcedureKind(procedure.kind), "事由"),
        "rows": rows,
        "objection": objection,
        "office": office,
        "hotline": HOTLINE,
        "issuer": _issuer(place, spec),
        "date": _day(on),
    }
    name = "公告" if spec.code == ANNOUNCE else "公示"
    return Printout(f"{place.village}{procedure.year}年{procedure.get_kind_display()}{name}.pdf", NOTICE_TEMPLATE, data)


# ---------------------------------------------------------------------------------------------------------------
# 民主评议会议记录


def _vote_step(procedure: Procedure) -> tuple[StepSpec, ProcedureStep | None]:
    specs = steps_of(procedure.kind)
    votes = [s for s in specs if s.kind == VOTE]
    if not votes:
        raise ValidationError(f"{procedure.get_kind_display()}程序没有民主评议环节，无会议记录可打印")
    recorded = {s.step: s for s in procedure.steps.all()}
    if votes[0].code in recorded:
        return votes[0], recorded[votes[0].code]
    nxt = next_step(procedure)
    if nxt is not None and nxt.code == votes[0].code:
        return votes[0], None  # a blank record to fill in at the meeting
    raise ValidationError(f"该{procedure.get_kind_display()}程序未进行「{votes[0].title}」，无会议记录可打印")


def procedure_minutes(*, viewer: Actor | None, procedure_id: int) -> Printout:
    """The minutes of a procedure's vote (民主评议): date, attendance and the quorum the year's policy asks for,
    the votes and the result, with signature lines; before the vote, the same form with blanks."""
    procedure = _procedure(viewer, procedure_id)
    spec, step = _vote_step(procedure)
    household = procedure.household
    place = _place(procedure.village)
    quorum = float(param("vote_quorum", procedure.year))
    passing = float(param("vote_pass", procedure.year))
    total = step.votes_total if step else None
    present = step.votes_present if step else None
    votes_for = step.votes_for if step else None
    quorum_text = f"实到代表不少于应到代表的 {_ratio(quorum)}"
    pass_text = f"赞成票超过实到代表的 {_ratio(passing)}"
    attendance = result = votes = ""
    if step is not None and total is not None and present is not None and votes_for is not None:
        needed = math.ceil(quorum * total - 1e-9)
        quorum_text += f"，即至少 {needed} 人；本次{'符合' if present >= needed else '不符合'}要求"
        attendance = f"应到 {total} 人，实到 {present} 人，缺席 {total - present} 人"
        to_pass = math.floor(passing * present) + 1
        pass_text += f"，即至少 {to_pass} 票"
        votes = f"赞成 {votes_for} 票；反对　　票，弃权　　票（反对、弃权合计 {present - votes_for} 票）"
        result = "通过" if step.approved else "未通过"
    subject = (
        f"户主 {household.head_name or '（未填写）'}，户编号 {household.household_no}，家庭人口 {household.size} 人"
    )
    if household.group_name:
        subject += f"，{household.group_name}"
    rows = [
        ("会议名称", f"{procedure.get_kind_display()}·{spec.title}"),
        ("会议时间", _day(step.on) if step else ""),
        ("会议地点", ""),
        ("评议对象", subject),
        ("评议事由", procedure.reason or procedure.get_kind_display()),
        ("到会情况", attendance),
        ("到会要求", quorum_text),
        ("表决情况", votes),
        ("通过要求", pass_text),
        ("评议结果", result),
        ("签字人", step.signer if step else ""),
        ("备注", step.note if step else ""),
    ]
    cells = max(12, min(present or total or 12, 80))
    data = {
        "title": "民主评议会议记录",
        "place": place.full,
        "rows": [list(r) for r in rows],
        "signature_cells": int(math.ceil(cells / 4) * 4),
        "issuer": place.committee,
        "date": _day(step.on) if step else "",
    }
    return Printout(
        f"{household.head_name}户{procedure.get_kind_display()}民主评议会议记录.pdf", MINUTES_TEMPLATE, data
    )


# ---------------------------------------------------------------------------------------------------------------
# 贫困户建档立卡信息卡


def _yes(flag: bool | None, yes: str = "✓", no: str = "✗") -> str:
    return "—" if flag is None else (yes if flag else no)


def _years(years: Iterable[Any]) -> list[dict[str, str]]:
    out = []
    for y in list(years)[-3:]:
        guarantees = (
            "/".join(_yes(v) for v in (y.education_ok, y.medical_ok)) + f"/{y.housing_grade}级/" + _yes(y.water_ok)
        )
        out.append({
            "year": str(y.year), "poor": "未脱贫" if y.poor else "已脱贫", "income": f"{y.income_per_capita}",
            "wage": f"{y.wage_income}", "production": f"{y.production_income}", "property": f"{y.property_income}",
            "transfer": f"{y.transfer_income}", "food": f"{_yes(y.food_ok)}/{_yes(y.clothing_ok)}",
            "guarantees": guarantees,
        })  # fmt: skip
    return out


def household_card(*, viewer: Actor | None, household_no: str) -> Printout:
    """A household's 建档立卡信息卡: its facts, members (ID numbers as the household page shows them to the viewer's
    role), the latest yearly records, and signature lines."""
    household: Household = selectors.household_get(viewer=viewer, household_no=household_no)
    place = _place(household.village)
    members = selectors.household_members(viewer=viewer, household=household)
    helper = household.helper
    facts = [
        ("户编号", household.household_no), ("户主姓名", household.head_name or "（未填写）"),
        ("家庭人口", f"{household.size} 人"), ("贫困户属性", household.get_attribute_display()),
        ("主要致贫原因", household.main_cause), ("状态", household.get_status_display()),
        ("识别年度", str(household.identified_year)), ("脱贫年度", str(household.exit_year or "—")),
        ("村民小组", household.group_name or "—"), ("联系电话", household.phone or "—"),
        ("帮扶责任人", (helper.name + (f"（{helper.phone}）" if helper.phone else "")) if helper else "未落实"),
        ("帮扶单位", helper.unit if helper and helper.unit else "—"),
    ]  # fmt: skip
    if household.monitoring_group:
        facts += [("监测对象类型", household.monitoring_group), ("", "")]
    rows = [{
        "name": m.name, "sex": m.sex, "id": selectors.shown_id(viewer, m.id_number), "relation": m.relation,
        "birth": m.birth_date.isoformat(), "education": m.education or "—",
        "school": (f"在校（{m.get_school_stage_display()}）" if m.school_stage else "在校") if m.student
        else ("送教上门" if m.home_schooled else "—"),
        "health": m.health or "—", "disability": m.disability or "—", "labour": m.labour or "—",
        "migrant": str(m.migrant_months),
        "insurance": f"{_yes(m.medical_insurance)}/{_yes(m.critical_illness_insurance)}",
    } for m in members]  # fmt: skip
    full = selectors.can_see_full_id(viewer)
    id_note = (
        "本卡含完整身份证号，仅供工作使用，请妥善保管，不得张贴或外传。"
        if full
        else "身份证号已按您的查看权限脱敏（仅显示前 6 位和后 4 位）。"
    )
    who = getattr(viewer, "display_name", "") or getattr(viewer, "username", "") or "系统"
    data = {
        "title": "贫困户建档立卡信息卡",
        "place": place.full,
        "facts": [list(f) for f in facts],
        "members": rows,
        "years": _years(selectors.household_years(viewer=viewer, household=household)),
        "id_note": id_note,
        "issuer": place.committee,
        "printed": f"打印人：{who}　打印日期：{_day(_today())}",
    }
    return Printout(f"{household.head_name}户建档立卡信息卡_{household.household_no}.pdf", CARD_TEMPLATE, data)
