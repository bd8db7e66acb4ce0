"""The home page's to-do list (待办): what waits for the signed-in user, and only what they may act on.

Five kinds, each through the owning app's selectors and the same permission rules its services enforce:
findings in a workflow status the user's level may move on (``checks.services.TRANSITIONS``); procedures whose
公示/公告 has ended or ends within ``NOTICE_DAYS`` and whose next step the user may record; dispatch plans still
drafts that the user may approve; village secretaries' adjustments at the user's stage; accountability cases
whose 整改 the user's area owes or whose 销号 the user's area may give."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from fupin.areas.selectors import area_names
from fupin.assessment import selectors as assessment_selectors
from fupin.cadres import selectors as cadre_selectors
from fupin.checks import selectors as check_selectors
from fupin.checks.choices import FindingStatus
from fupin.checks.services import TRANSITIONS
from fupin.core.actors import Actor
from fupin.core.permissions import allowed
from fupin.partyorg import selectors as party_selectors
from fupin.registry import selectors as registry_selectors

NOTICE_DAYS = 7
SHOWN = 5

# what a finding in each status waits for (the to-do line's verb)
FINDING_TODO: dict[str, str] = {
    FindingStatus.OPEN: "待分派至村",
    FindingStatus.ASSIGNED: "待入户核实",
    FindingStatus.VERIFIED: "待确认或排除",
    FindingStatus.CONFIRMED: "待整改",
}


@dataclass
class Item:
    text: str
    url: str
    note: str = ""


@dataclass
class Group:
    title: str
    items: list[Item] = field(default_factory=list)
    more: str = ""  # "and N more" line with its link, when the list is cut
    more_url: str = ""


def _level(viewer: Actor) -> int:
    return 0 if viewer.is_superuser else (viewer.scope_level or 99)


def finding_statuses(viewer: Actor) -> list[str]:
    """The statuses from which the viewer's level may move a finding on, in workflow order."""
    if not allowed(viewer, "checks.transition"):
        return []
    level = _level(viewer)
    movable = {a for (a, _), lowest in TRANSITIONS.items() if level <= lowest}
    return [s for s in FindingStatus.values if s in movable]


def _findings(viewer: Actor) -> Group | None:
    statuses = finding_statuses(viewer)
    if not statuses:
        return None
    counts, _ = check_selectors.findings_to_act_on(viewer=viewer, statuses=statuses, limit=0)
    url = reverse("finding-list")
    items = [
        Item(f"{FINDING_TODO.get(s, FindingStatus(s).label)}：{counts[s]} 条", f"{url}?{urlencode({'status': s})}")
        for s in statuses
        if counts.get(s)
    ]
    return Group("核查发现", items) if items else None


def _notices(viewer: Actor, today: date) -> Group | None:
    if not allowed(viewer, "registry.procedure"):
        return None
    rows = registry_selectors.notices_ending(viewer=viewer, within_days=NOTICE_DAYS, limit=SHOWN * 4)
    items = []
    for p in rows:
        if not registry_selectors.procedure_step_allowed(viewer, p.household, p.next):
            continue
        left = (p.notice_end - today).days
        when = "公示期已满" if left < 0 else ("今天结束" if left == 0 else f"{left} 天后结束")
        items.append(
            Item(
                f"{p.household.household_no} {p.get_kind_display()}：{when}（{p.notice_end:%Y-%m-%d}）",
                f"{p.household.get_absolute_url()}#procedure-{p.pk}",
                f"下一环节：{p.next.title}",
            )
        )
    return Group(f"公示即将结束（{NOTICE_DAYS} 天内）", items[:SHOWN]) if items else None


def _plans(viewer: Actor) -> Group | None:
    if not allowed(viewer, "dispatch.approve"):
        return None
    plans = cadre_selectors.dispatch_plans_recent(viewer=viewer)
    drafts = [p for p in plans if cadre_selectors.plan_editable(viewer, p)]
    names = area_names([p.area_code for p in drafts[:SHOWN]])
    items = [
        Item(
            f"{p.round} 年选派方案（{names.get(p.area_code, p.area_code)}，{p.created_at:%Y-%m-%d} 生成）",
            reverse("dispatch-plan", args=[p.pk]),
        )
        for p in drafts[:SHOWN]
    ]
    group = Group("待批准的选派方案", items) if items else None
    if group and len(drafts) > SHOWN:
        group.more, group.more_url = f"另有 {len(drafts) - SHOWN} 个", reverse("dispatch")
    return group


def _adjustments(viewer: Actor) -> Group | None:
    """Secretaries' adjustments at the stage the viewer's level decides (乡镇党委审核, then 县委组织部审批)."""
    if not allowed(viewer, "partyorg.adjust"):
        return None
    pending = party_selectors.adjustments_pending(viewer=viewer, own_stage=True)
    url = reverse("party-adjustments")
    items = [Item(f"{a.village.name} {a.person.name}（{a.get_reason_display()}）：{a.get_status_display()}", url)
             for a in pending[:SHOWN]]  # fmt: skip
    group = Group("村党组织书记调整", items) if items else None
    if group and len(items) == SHOWN:
        more = pending.count() - SHOWN
        if more > 0:
            group.more, group.more_url = f"另有 {more} 条", url
    return group


def _cases(viewer: Actor) -> Group | None:
    """约谈问责: the viewer's own area's 整改 to plan or report, and the cases they opened waiting for 销号."""
    items = [Item(f"{c.area.name}：{c.get_kind_display()}{c.subject}，{verb}", reverse("assessment-case", args=[c.pk]))
             for c, verb in assessment_selectors.cases_waiting(viewer=viewer, limit=SHOWN)]  # fmt: skip
    if not items:
        return None
    group = Group("约谈问责", items)
    if len(items) == SHOWN:
        group.more, group.more_url = "查看全部", reverse("assessment-cases")
    return group


def todo_for(viewer: Actor, *, today: date | None = None) -> list[Group]:
    """The viewer's to-do groups, empty ones left out."""
    today = today or date.today()  # noqa: DTZ011 - notice periods are calendar dates
    groups = (_findings(viewer), _notices(viewer, today), _plans(viewer), _adjustments(viewer), _cases(viewer))
    return [g for g in groups if g is not None]
