"""Chinese words for audit entries: actions, changed fields and their values, for the audit page and a household's
change history (变更记录).

Every ``action`` a service passes to ``audit_record`` has its label in :data:`ACTIONS` (a test reads ``src/`` and
fails on a new action without one). A changed field is named by the ``verbose_name`` of the model field it is
(looked up through the app registry, so this module imports no domain app), a choice value by its ``TextChoices``
label; keys that are not model fields have their words in :data:`KEYS`. Anything unknown still reads as text —
never as a raw dict or list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

ACTIONS: dict[str, str] = {
    # areas
    "area.create": "新增区划",
    "area.update": "修改区划",
    "area.classify": "设定区划分类",
    "area.unclassify": "撤销区划分类",
    # accounts
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.password_change": "修改本人密码",
    "user.password_reset": "重置用户密码",
    "token.create": "申请接口令牌",
    "token.revoke": "吊销接口令牌",
    "submission.receive": "接收设备提交（ODK 采集）",
    # policy
    "policy.parameter_set": "修改政策参数",
    # registry
    "registry.bulk_load": "批量载入建档立卡数据",
    "registry.import": "导入建档立卡数据",
    "registry.import_update": "导入时更新户信息",
    "registry.year_import": "导入年度数据",
    "registry.year_save": "保存年度数据",
    "registry.household_apply": "户主申请（新识别）",
    "registry.household_update": "修改户信息",
    "registry.household_transfer": "整户迁出",
    "registry.household_transfer_in": "整户迁入",
    "registry.household_split": "分户",
    "registry.member_add": "添加家庭成员",
    "registry.member_update": "修改家庭成员信息",
    "registry.member_move_out": "家庭成员迁出",
    "registry.member_move_in": "家庭成员迁入",
    "registry.procedure_open": "启动程序",
    "registry.procedure_step": "办理程序环节",
    "registry.procedure_withdraw": "撤回程序",
    "registry.verdict_override": "县级批准带否决项办理",
    # other departments' data
    "external.load": "导入部门比对数据",
    # checks
    "checks.run": "运行核查",
    "checks.finding_transition": "核查发现状态变更",
    # cadres
    "cadres.dispatch_plan": "生成选派方案",
    "cadres.plan_edit": "调整选派方案",
    "cadres.plan_approve": "批准选派方案",
    "cadres.work_teams_load": "载入驻村工作队",
    "cadres.load": "载入干部名册",
    "cadres.recall": "召回驻村干部",
    "cadres.benefit_add": "登记驻村干部待遇",
    "cadres.account_link": "关联驻村干部本人账号",
    "cadres.ratings_record": "记入干部年度考核等次",
    "cadres.temporary_post": "安排挂职",
    "cadres.promotion": "记录提拔重用",
    "cadres.promotions_load": "载入提拔重用记录",
    # field work
    "fieldwork.log_add": "填写民情日记",
    "fieldwork.log_edit": "修改民情日记",
    "fieldwork.request_add": "登记群众诉求",
    "fieldwork.request_answer": "答复群众诉求",
    "fieldwork.leave_request": "驻村干部请假",
    "fieldwork.leave_decide": "审批请假",
    "fieldwork.leave_cancel": "撤回请假",
    "fieldwork.adjust_propose": "提出调整建议",
    "fieldwork.adjust_decide": "审批调整建议",
    "fieldwork.adjust_review": "年度考核提出调整建议",
    "fieldwork.inspect": "暗访抽查",
    "fieldwork.violation": "记录违反负面清单",
    "fieldwork.violation_statement": "提交本人说明",
    "fieldwork.red_lines": "修改负面清单",
    "fieldwork.rating_scores": "录入考核评分",
    "fieldwork.ratings": "评定年度考核等次",
    "fieldwork.rating": "年度考核等次",
    "fieldwork.tallies_rebuild": "重新汇总民情日记统计",
    "fieldwork.load": "批量载入驻村工作记录",
    "fieldwork.guide": "发布责任清单、工作指导要点",
    "fieldwork.guide_done": "完成清单事项",
    "monitoring.case_open": "纳入防返贫监测识别",
    "monitoring.source_merge": "合并监测线索",
    "monitoring.case_decide": "监测对象认定结果",
    "monitoring.case_eliminate": "监测风险消除",
    "monitoring.elimination_start": "启动风险消除程序",
    "monitoring.elimination_refused": "风险消除未通过",
    "monitoring.measure_add": "登记监测帮扶措施",
    "monitoring.measure_end": "结束监测帮扶措施",
    "monitoring.follow_up": "登记监测回访",
    "monitoring.run": "防返贫监测比对和风险评分",
    "monitoring.load": "载入防返贫监测数据",
    "partyorg.org_set": "维护村党组织",
    "partyorg.person_add": "登记村干部、后备人选",
    "partyorg.person_id_number": "登记村干部身份证号",
    "partyorg.reserve_add": "纳入后备力量",
    "partyorg.reserve_remove": "移出后备力量",
    "partyorg.org_year": "登记村党组织年度情况",
    "partyorg.election_open": "启动村两委换届",
    "partyorg.election_step": "办理换届步骤",
    "partyorg.election_cancel": "撤销换届",
    "partyorg.seat": "两委任职",
    "partyorg.seat_end": "两委离任",
    "partyorg.review": "村党组织书记年度评议",
    "partyorg.adjust_propose": "提出村党组织书记调整建议",
    "partyorg.adjust_decide": "审批村党组织书记调整",
    "partyorg.weak_listed": "认定软弱涣散村党组织",
    "partyorg.case_plan": "制定整顿方案",
    "partyorg.case_progress": "登记整顿进展",
    "partyorg.case_accept": "整顿验收",
    "partyorg.visit": "登记遍访",
    "partyorg.guarantee": "登记基层保障",
    "assessment.scheme_create": "制定考核方案",
    "assessment.indicator_add": "增加考核指标",
    "assessment.indicator_remove": "删除考核指标",
    "assessment.value_enter": "录入考核评分",
    "assessment.scheme_run": "运行考核、生成排名",
    "assessment.case_open": "约谈、问责立案",
    "assessment.case_plan": "制定整改措施",
    "assessment.case_progress": "登记整改进展",
    "assessment.case_close": "整改销号",
    "assessment.case_exempt": "容错免责",
    "assessment.unit_grade": "评定帮扶单位年度等次",
    "assessment.leader_appoint": "党政领导任职",
    "assessment.leader_leave": "党政领导离任",
    "assessment.leader_change": "提出贫困县党政正职调整（报省审批）",
    "assessment.change_decide": "审批贫困县党政正职调整",
    "assessment.contact_set": "确定包保联系点",
    "assessment.contact_visit": "登记联系点走访",
    "assessment.debrief": "登记党委书记述职评议",
    "assessment.load": "批量载入考核问责数据",
    "assessment.campaign_launch": "发起攻坚行动",
    "assessment.task_add": "布置攻坚行动任务",
    "assessment.task_done": "报告攻坚行动任务完成",
    "partyorg.load": "批量载入村级党组织数据",
    "partyorg.weak_identify": "软弱涣散村党组织排查",
    "partyorg.weak_unlisted": "复查后移出软弱涣散村名单",
    "partyorg.reserve_promote": "后备人选选任",
    # statistics
    "stats.indicators_refresh": "重新计算指标",
    "stats.area_statistics_load": "载入区划统计数据",
    # background jobs
    "jobs.start": "启动后台任务",
}

# What an entry is about (entity_type) when it is not a model, or to name a model more plainly.
ENTITIES: dict[str, str] = {
    "registry.household": "贫困户",
    "registry.batch": "载入批次",
    "cadres.batch": "干部数据批次",
    "stats.indicators": "统计指标",
    "stats.area_statistic": "区划统计数据",
    "policy.parameter": "政策参数",
    "fieldwork.rating": "年度考核",
    "fieldwork.redline": "负面清单事项",
    "fieldwork.guidance": "责任清单、工作指导要点",
    "fieldwork.batch": "驻村工作记录批次",
    "fieldwork.adjustment": "调整建议",
    "fieldwork.logtally": "民情日记统计",
    "partyorg.batch": "村级党组织数据批次",
    "assessment.batch": "考核问责数据批次",
}

# The models whose fields an action's changes name, besides the entity's own (a household's history records its
# yearly rows, members and procedures; a finding's transition is written on the household).
RELATED_MODELS: dict[str, tuple[str, ...]] = {
    "registry.household": ("registry.householdyear", "registry.member", "registry.procedure"),
}
ACTION_MODELS: dict[str, tuple[str, ...]] = {
    "checks.finding_transition": ("checks.finding",),
    "registry.procedure_step": ("registry.household", "registry.procedure", "registry.procedurestep"),
    "policy.parameter_set": ("policy.parameter",),
    "assessment.indicator_add": ("assessment.indicator",),
    "assessment.indicator_remove": ("assessment.indicator",),
    "assessment.unit_grade": ("assessment.unitgrade",),
    "monitoring.follow_up": ("monitoring.followup",),
}

# Keys of the changes that are not model fields (or read better otherwise), and the keys of values that are dicts.
KEYS: dict[str, str] = {
    "measure": "帮扶措施",
    "elimination": "风险消除程序",
    "scored": "评分户数",
    "opened": "新纳入识别",
    "merged": "合并线索",
    "ready": "符合风险消除条件",
    "organizations": "村党组织",
    "counties": "县数",
    "seats": "两委任职",
    "reserves": "后备力量",
    "org_years": "年度情况",
    "reviews": "年度评议",
    "guarantees": "基层保障",
    "adjustments": "书记调整",
    "weak_2017": "2017 年软弱涣散村",
    "accept_failed": "整顿验收不合格",
    "weak_2018": "2018 年软弱涣散村",
    "procedure": "程序",
    "vetoes": "否决项",
    "indicator": "考核指标",
    "leader": "领导",
    "ranked": "参加排名",
    "areas": "单位数",
    "bottom_areas": "排名末位",
    "override_reason": "批准理由",
    "step": "环节",
    "date": "日期",
    "signer": "签字人",
    "votes": "票数（赞成/实到/应到）",
    "head": "户主",
    "split": "分户（原户 → 新户）",
    "members": "成员",
    "reason": "原因",
    "village": "所在村",
    "household_no": "户编号",
    "size": "家庭人口",
    "file": "文件",
    "sha256": "文件校验值（SHA-256）",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "rows": "导入行数/总行数",
    "counts": "各类发现数",
    "new": "新发现",
    "no_longer_present": "不再出现的发现",
    "households": "户",
    "people": "人",
    "years": "年度记录",
    "findings": "发现",
    "value": "取值",
    "note": "依据/说明",
    "year": "年度",
    "cadre": "干部",
    "status": "状态",
    "kind": "类型",
    "area": "区划",
    "area_id": "区划",
    "password": "密码",
    "source": "来源",
    "rows_total": "总行数",
    "rows_taken": "导入行数",
    "rows_refused": "拒绝行数",
    "params": "参数",
    "helpers": "帮扶责任人",
    "summary": "概要",
    "villages": "村数",
    "covered": "已覆盖",
    "uncovered": "未覆盖",
    "kept": "留任",
    "candidates": "候选干部",
    "refused": "不符合条件",
    "arcs": "候选配对",
    "edited": "调整次数",
    "postings": "派驻",
    "ended": "结束派驻",
    "teams": "工作队",
    "units": "单位",
    "cadres": "干部",
    "replacement": "接替干部",
    "values": "指标值",
    "resident_slots": "驻村干部岗位",
    "resident_covered": "已派驻村干部",
    "resident_objective": "驻村干部方案目标值",
    "resident_lp_objective": "驻村干部方案下界",
    "household": "农户",
    "late_days": "超期天数",
    "answered_on": "答复日期",
    "start": "开始日期",
    "end": "结束日期",
    "days": "天数",
    "by_rule": "规则自动提出",
    "present": "在岗",
    "red_line": "负面清单事项",
    "severity": "处理",
    "statement": "本人说明",
    "period": "期间",
    "sending_unit": "派出单位评分",
    "township": "乡镇党委评分",
    "village_org": "村党组织评分",
    "masses": "党员群众代表评分",
    "third_party": "第三方评估评分",
    "ratings": "考核等次（前年、上年、年度）",
    "rated": "评定人数",
    "capped": "受限制等次",
    "proposed": "提出调整建议",
    "grade": "等次",
    "score": "综合得分",
    "account": "登录账号",
    "role": "职务",
    "post": "新任职务",
    "on": "日期",
    "items": "事项数",
    "title": "标题",
    "item": "事项",
    "log": "佐证记录",
    "logs": "民情日记",
    "leave": "请假",
    "inspections": "暗访抽查",
    "violations": "违反负面清单",
    "scores": "考核评分",
    "promotions": "提拔重用",
}

EMPTY = "—"


@dataclass(frozen=True)
class ChangeLine:
    field: str
    old: str
    new: str


def action_label(action: str) -> str:
    """The Chinese name of an action; an unknown one reads as its words, not as ``app.name``."""
    if action in ACTIONS:
        return ACTIONS[action]
    return "操作：" + action.replace(".", " · ").replace("_", " ")


@cache
def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def entity_label(entity_type: str) -> str:
    if entity_type in ENTITIES:
        return ENTITIES[entity_type]
    model = _model(entity_type) if entity_type else None
    if model is not None:
        return str(model._meta.verbose_name)
    return entity_type.replace(".", " · ").replace("_", " ") if entity_type else EMPTY


def _models_for(entity_type: str, action: str) -> list[type[models.Model]]:
    names = [*ACTION_MODELS.get(action, ()), entity_type, *RELATED_MODELS.get(entity_type, ())]
    out: list[type[models.Model]] = []
    for name in names:
        model = _model(name) if name else None
        if model is not None and model not in out:
            out.append(model)
    return out


def _field(model: type[models.Model], key: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        # a foreign key stored by its column (``village_id``)
        for f in model._meta.concrete_fields:
            if getattr(f, "attname", None) == key:
                return f
        return None
    return field if isinstance(field, models.Field) else None


def field_label(key: str, *, entity_type: str = "", action: str = "") -> str:
    """A changed field's Chinese name: the model field's verbose_name, else :data:`KEYS`, else the key itself
    when it is already words (``成员 张三·文化程度``), else its words with the underscores taken out."""
    for model in _models_for(entity_type, action):
        field = _field(model, key)
        if field is not None:
            return str(field.verbose_name)
    if key in KEYS:
        return KEYS[key]
    if not key.isascii():
        return key
    return key.replace("_", " ")


def _number(value: float | int | Decimal) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)  # years (2017) stay without a separator
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _choice_label(models_: Iterable[type[models.Model]], key: str, value: Any) -> str | None:
    for model in models_:
        field = _field(model, key)
        if field is not None and field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            if str(value) in labels:
                return labels[str(value)]
    return None


def value_text(value: Any, *, key: str = "", entity_type: str = "", action: str = "") -> str:  # noqa: PLR0911 - one case per kind of value
    """A value as people read it: choice labels, 是/否, numbers without a trailing .0, dicts and lists as words."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        if not value:
            return EMPTY
        parts = [
            f"{field_label(str(k), entity_type=entity_type, action=action)} "
            f"{value_text(v, key=str(k), entity_type=entity_type, action=action)}"
            for k, v in value.items()
        ]
        return "，".join(parts)
    if isinstance(value, list | tuple | set):
        return "、".join(value_text(v, key=key, entity_type=entity_type, action=action) for v in value) or EMPTY
    if key:
        label = _choice_label(_models_for(entity_type, action), key, value)
        if label is not None:
            return label
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, str) and key and _looks_decimal(value):
        return _number(Decimal(value))
    return str(value)


def _looks_decimal(text: str) -> bool:
    if not text or len(text) > 20 or not all(c.isdigit() or c in ".-" for c in text) or "." not in text:
        return False
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def change_lines(changes: Any, *, entity_type: str = "", action: str = "") -> list[ChangeLine]:
    """``{field: [old, new]}`` as lines of Chinese (field, old, new); anything else as one readable line."""
    if not isinstance(changes, Mapping):
        return [ChangeLine("内容", EMPTY, value_text(changes))] if changes else []
    lines = []
    for key, pair in changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old, new = pair
        else:
            old, new = None, pair
        lines.append(
            ChangeLine(
                field_label(str(key), entity_type=entity_type, action=action),
                value_text(old, key=str(key), entity_type=entity_type, action=action),
                value_text(new, key=str(key), entity_type=entity_type, action=action),
            )
        )
    return lines


def entry_lines(entry: Any) -> list[ChangeLine]:
    """The change lines of an ``AuditEntry``."""
    return change_lines(entry.changes, entity_type=entry.entity_type, action=entry.action)
