"""Who may do what: one row per action, read by every service (through ``fupin.core.permissions``), the web's
menus and forms, the API, the CLI and the generated ``docs/permissions.md``.

A role is a level and, for officers, a department: the poverty office (registry, checks, indicators), the
organization department (cadres, dispatch), discipline inspection (verifying findings, audit), finance and
agriculture (funds, as that domain lands). Village roles act for their village, a helping unit for its own
cadres, inspectors only read. Areas bound what anyone sees and changes (``fupin.core.scoping``); this table
bounds what they may do there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from fupin.core import codes
from fupin.core.actors import Actor

from .choices import OFFICER_ROLES, VILLAGE_ROLES, Department, Role
from .models import ROLE_LEVEL

P, D, T, C = codes.PROVINCE, codes.PREFECTURE, codes.COUNTY, codes.TOWNSHIP
ALL_DEPARTMENTS = frozenset(Department.values)


@dataclass(frozen=True)
class Permission:
    title: str
    departments: frozenset[str] = frozenset()  # officers of these departments …
    levels: frozenset[int] = frozenset()  # … bound at these levels (province administrators count as level 1 扶贫办)
    roles: frozenset[str] = field(default_factory=frozenset)  # and these roles, whatever their department
    write: bool = True  # read-only roles never hold a writing action

    @cached_property
    def holders(self) -> str:
        """Who holds it, in Chinese (refusals and the docs say it); built once, as refusals can come per row."""
        parts = []
        if self.departments:
            levels = "、".join(codes.LEVEL_NAMES[lvl] for lvl in sorted(self.levels))
            depts = "、".join(Department(d).label for d in Department.values if d in self.departments)
            parts.append(f"{levels}级{depts if self.departments != ALL_DEPARTMENTS else '各部门'}")
        parts += [Role(r).label for r in Role.values if r in self.roles]
        return "、".join(parts) or "系统"


def _p(title: str, departments: Iterable[str] = (), levels: Iterable[int] = (), roles: Iterable[str] = (), *,
       write: bool = True) -> Permission:  # fmt: skip
    return Permission(title, frozenset(departments), frozenset(levels), frozenset(roles), write)


POVERTY, ORGANIZATION, DISCIPLINE = Department.POVERTY, Department.ORGANIZATION, Department.DISCIPLINE
ADMIN = {Role.PROVINCE_ADMIN}
POSTED = {Role.FIRST_SECRETARY, Role.RESIDENT_CADRE}  # cadres posted to a village, acting in their own posting

ACTIONS: dict[str, Permission] = {
    "areas.load": _p("载入、更新区划"),  # the system operator (or a superuser) only
    "areas.classify": _p("设置区划分类（贫困县、深度贫困县、贫困村等）", {POVERTY}, {P, D, T}),
    "users.manage": _p("管理下级用户账号", ALL_DEPARTMENTS, {D, T}, ADMIN),
    "policy.set": _p("修改政策参数", roles=ADMIN),
    "external.load": _p("载入其他部门比对数据", roles=ADMIN),
    "stats.load": _p("载入农村人口等统计数据", roles=ADMIN),
    "stats.refresh": _p("刷新统计指标", {POVERTY}, {P, D, T}),
    "registry.import": _p("导入建档立卡数据", {POVERTY}, {P, D, T, C}),
    "registry.edit": _p("编辑贫困户和成员信息（含迁移、拆户）", {POVERTY}, {P, D, T, C}, VILLAGE_ROLES),
    "registry.procedure": _p("办理识别、退出、返贫、监测、注销程序", {POVERTY}, {P, D, T, C}, VILLAGE_ROLES),
    "registry.full_id": _p("查看完整身份证号", {POVERTY}, {T, C}, VILLAGE_ROLES, write=False),
    "checks.run": _p("运行大数据核查", {POVERTY}, {P, D, T}),
    "checks.whatif": _p("政策参数模拟测算", {POVERTY}, {P, D, T}),
    "checks.transition": _p("分派、核实、办结核查发现", {POVERTY, DISCIPLINE}, {P, D, T, C}, VILLAGE_ROLES),
    "dispatch.plan": _p("生成第一书记和驻村干部选派方案", {ORGANIZATION}, {P, D, T}),
    "dispatch.approve": _p("调整、批准选派方案", {ORGANIZATION}, {P, D, T}),
    "cadres.manage": _p("管理帮扶单位和驻村干部（召回轮换、待遇保障）", {ORGANIZATION}, {P, D, T}),
    "fieldwork.log": _p("填写民情日记、群众诉求（本人派驻村）", roles=POSTED),
    "fieldwork.leave": _p("驻村干部本人请假", roles=POSTED),
    "fieldwork.leave_approve": _p("审批驻村干部请假（乡镇党委、县委组织部）", {ORGANIZATION}, {T, C}),
    "fieldwork.adjust": _p("提出、审批驻村干部调整（召回）", {ORGANIZATION}, {T}),
    "fieldwork.inspect": _p("暗访抽查驻村干部、记录违反负面清单", {ORGANIZATION, DISCIPLINE}, {P, D, T, C}),
    "fieldwork.rate": _p("录入驻村干部考核评分、评定年度等次", {ORGANIZATION}, {P, D, T}),
    "fieldwork.red_lines": _p("修改驻村干部负面清单", roles=ADMIN),
    "fieldwork.guide": _p("发布驻村工作责任清单、季度工作指导要点", {ORGANIZATION}, {P, D, T}),
    "monitoring.intake": _p("登记防返贫监测线索（农户申报、干部走访排查）", {POVERTY}, {P, D, T, C}, VILLAGE_ROLES),
    "monitoring.run": _p("运行防返贫监测比对（部门预警匹配、风险评分排序）", {POVERTY}, {P, D, T}),
    "monitoring.help": _p("登记监测对象帮扶措施和回访", {POVERTY}, {T, C}, VILLAGE_ROLES),
    "partyorg.manage": _p("维护村党组织、两委成员和后备力量", {ORGANIZATION}, {T, C}),
    "partyorg.elect": _p("办理村两委换届（推荐、考察、选举、报备）", {ORGANIZATION}, {T, C}),
    "partyorg.review": _p("村党组织书记年度评议、提出调整建议", {ORGANIZATION}, {T, C}),
    "partyorg.adjust": _p("审核、审批村党组织书记调整（乡镇党委审核、县委组织部审批）", {ORGANIZATION}, {T, C}),
    "partyorg.identify": _p("排查认定软弱涣散村党组织", {ORGANIZATION}, {P, D, T}),
    "partyorg.rectify": _p("登记软弱涣散村整顿措施和进展", {ORGANIZATION}, {T, C}),
    "partyorg.accept": _p("软弱涣散村整顿验收", {ORGANIZATION}, {D, T}),
    "partyorg.visit": _p("登记组织部门领导遍访", {ORGANIZATION}, {P, D, T}),
    "partyorg.guarantee": _p("登记村干部报酬和村级组织办公经费", {ORGANIZATION}, {T, C}),
    "assessment.scheme": _p("制定考核方案、录入评分、运行考核（下考两级）", {POVERTY, ORGANIZATION}, {P, D, T}),
    "assessment.case_open": _p("约谈、问责立案", {ORGANIZATION, DISCIPLINE}, {P, D, T}),
    "assessment.case_rectify": _p("登记约谈问责的整改措施和进展（被约谈、问责单位）", ALL_DEPARTMENTS, {D, T, C}),
    "assessment.case_close": _p("约谈问责整改销号、认定容错免责", {ORGANIZATION, DISCIPLINE}, {P, D, T}),
    "assessment.leaders": _p("维护党政领导班子成员、包保联系点和走访记录", {ORGANIZATION}, {P, D, T}, ADMIN),
    "assessment.stability": _p("审批贫困县党政正职调整（不摘帽不调整）", {ORGANIZATION}, {P}, ADMIN),
    "assessment.debrief": _p("登记下级党委（党组织）书记述职评议", {ORGANIZATION}, {P, D, T, C}, ADMIN),
    "assessment.campaign": _p("发起攻坚行动、布置五步工作法任务", {POVERTY, ORGANIZATION}, {P, D, T}, ADMIN),
    "assessment.campaign_report": _p("报告攻坚行动任务完成情况（责任单位）", ALL_DEPARTMENTS, {D, T, C}),
    "assessment.unit_grade": _p("评定帮扶单位年度目标考核等次", {ORGANIZATION}, {P, D, T}, ADMIN),
    "api.token": _p("申请、吊销本人的接口令牌（移动应用、系统对接）", roles=set(Role.values), write=False),
    "audit.read": _p("查看审计记录", ALL_DEPARTMENTS, {P, D, T}, {Role.INSPECTOR}, write=False),
}


def _department(actor: Actor) -> str:
    if actor.role == Role.PROVINCE_ADMIN:
        return POVERTY
    return str(getattr(actor, "department", "") or "")


def refusal(actor: Actor, action: str) -> str | None:
    """Why ``actor`` (active, not a superuser) may not take ``action``; None when they may."""
    rule = ACTIONS[action]
    role = actor.role
    if rule.write and role == Role.INSPECTOR:
        return "督查审计员为只读角色，不能修改数据"
    if role in rule.roles:
        return None
    level = actor.scope_level
    officer = role in OFFICER_ROLES or role == Role.PROVINCE_ADMIN
    if officer and _department(actor) in rule.departments and level in rule.levels:
        return None
    return f"“{rule.title}”须由{rule.holders}办理"


def titles() -> dict[str, str]:
    return {action: rule.title for action, rule in ACTIONS.items()}


def role_examples() -> list[tuple[str, str, str, int | None]]:
    """(label, role, department, level) of every kind of user, for the generated table and the matrix test."""
    out: list[tuple[str, str, str, int | None]] = [("省级管理员（省扶贫办）", Role.PROVINCE_ADMIN, "", P)]
    for role in (Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER):
        for dept in Department:
            out.append((f"{Role(role).label}·{dept.label}", role, dept.value, ROLE_LEVEL[role]))
    for role in (*sorted(VILLAGE_ROLES), Role.HELPING_UNIT, Role.INSPECTOR):
        out.append((Role(role).label, role, "", ROLE_LEVEL[role] or T))
    return out
