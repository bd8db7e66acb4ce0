"""Campaigns and the five-step method (五步工作法: 政策设计、工作部署、干部培训、监督检查、追责问责): an area launches a
campaign (春季攻势、夏秋攻势…) for a period with its goals, sets its tasks by step for itself or for the areas below
it, and each area reports its own tasks done (a training with its attendance). The accountability step also counts
the cases opened in the area during the campaign. Each write checks its declared permission and audits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes
from fupin.core.actors import Actor, actor_name
from fupin.core.errors import NotFoundError, ValidationError
from fupin.core.parsing import choice_field, int_field, text_field
from fupin.core.permissions import require

from .choices import Step
from .models import Campaign, CampaignTask

MAX_AREAS = 2000  # a task set for every township of the province at most


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def campaign_launch(
    *, actor: Actor | None, area_code: str, name: str, start: date | None, end: date | None, goals: str
) -> Campaign:
    code = codes.normalize(area_code)
    require(actor, "assessment.campaign", code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    if start is None or end is None:
        raise ValidationError("请填写开始和结束日期")
    if end < start:
        raise ValidationError("结束日期不能早于开始日期")
    campaign = Campaign.objects.create(area=area, name=text_field(name, "名称", 60), start=start, end=end,
                                       goals=text_field(goals, "目标任务", 2000),
                                       created_by_id=getattr(actor, "pk", None))  # fmt: skip
    audit_record(actor=actor, action="assessment.campaign_launch", entity=campaign, area_code=code,
                 changes={"name": [None, campaign.name], "start": [None, start.isoformat()],
                          "end": [None, end.isoformat()]})  # fmt: skip
    return campaign


@transaction.atomic
def task_add(
    *,
    actor: Actor | None,
    campaign_id: Any,
    step: str,
    title: str,
    due: date | None,
    level: Any = None,
) -> int:
    """Set a task of the campaign for the launching area itself or, with ``level``, for every area of that level
    below it (e.g. each county); returns how many tasks were set."""
    campaign = Campaign.objects.select_related("area").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.campaign", campaign.area_id)
    s = choice_field(step, Step, "步骤")
    what = text_field(title, "任务", 100)
    if due is None or not campaign.start <= due <= campaign.end:
        raise ValidationError(f"完成时限须在行动期间（{campaign.start:%Y-%m-%d} 至 {campaign.end:%Y-%m-%d}）")
    if level in (None, ""):
        targets = [campaign.area_id]
    else:
        lvl = int_field(level, "责任层级", campaign.area.level + 1, codes.VILLAGE)
        lo, hi = codes.code_range(campaign.area_id)
        targets = list(Area.objects.filter(code__gte=lo, code__lte=hi, level=lvl).values_list("code", flat=True))
        if len(targets) > MAX_AREAS:
            raise ValidationError(f"一次最多为 {MAX_AREAS} 个单位布置任务，请逐级布置")
    tasks = CampaignTask.objects.bulk_create(
        [CampaignTask(campaign=campaign, area_id=t, step=s, title=what, due=due) for t in targets]
    )
    audit_record(actor=actor, action="assessment.task_add", entity=campaign, area_code=campaign.area_id,
                 changes={"step": [None, s], "title": [None, what], "areas": [None, len(tasks)]})  # fmt: skip
    return len(tasks)


@transaction.atomic
def task_done(
    *, actor: Actor | None, task_id: Any, done_on: date | None, note: str, attendance: Any = None
) -> CampaignTask:
    """The responsible area reports its task done (a training with how many attended)."""
    task = CampaignTask.objects.select_for_update().select_related("campaign").filter(pk=task_id).first()
    if task is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.campaign_report", task.area_id)
    own = getattr(actor, "scope_code", None)
    if actor is not None and not actor.is_superuser and own != task.area_id:
        raise ValidationError("任务由责任单位报告完成情况")
    if done_on is None or done_on > _today() or done_on < task.campaign.start:
        raise ValidationError(f"完成日期须在 {task.campaign.start:%Y-%m-%d} 至今天之间")
    people = None
    if task.step == Step.TRAINING:
        people = int_field(attendance, "参训人数", 1, 100_000)
    before = task.done_on
    task.done_on, task.note = done_on, text_field(note, "完成情况", 300)
    task.attendance, task.reported_by = people, actor_name(actor)
    task.save()
    audit_record_many(actor=actor, changes=[Change("assessment.task_done", task, {
        "done_on": [before.isoformat() if before else None, done_on.isoformat()], "note": [None, task.note]},
        task.area_id)])  # fmt: skip
    return task
