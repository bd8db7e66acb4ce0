"""Work logs (民情日记), residents' requests (诉求), leave, the monthly tallies and adjustment proposals.

Every row belongs to the village of a posting (``village``, the scoping column): a cadre writes only in the village
they are posted to, the township and county above it see it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fupin.core import scoping

from .choices import (
    AdjustmentStatus,
    Grade,
    GuidanceKind,
    InspectionKind,
    LeaveKind,
    LeaveStatus,
    LogKind,
    Period,
    Rater,
    RequestCategory,
    RequestStatus,
    Severity,
)


def _village() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")


def _author() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.SET_NULL, related_name="+"
    )


@scoping.register("village_id")
class WorkLog(models.Model):
    """One entry of a cadre's 民情日记: a visit, a good deed, a difficulty solved, a dispute resolved, a project or
    funds brought in, a meeting. Editable by its author for ``worklog_edit_days`` days, then locked."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    kind = models.CharField("类型", max_length=16, choices=LogKind.choices)
    date = models.DateField("日期")
    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField("事由", max_length=100, blank=True)
    content = models.TextField("情况记录", max_length=2000)
    amount = models.DecimalField("金额(万元)", max_digits=12, decimal_places=2, null=True, blank=True)
    funds_source = models.CharField("资金来源", max_length=100, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    author = _author()
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "民情日记"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["village", "date"], name="worklog_village_date"),
            models.Index(fields=["posting", "date"], name="worklog_posting_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


@scoping.register("village_id")
class ResidentRequest(models.Model):
    """A resident's request (群众诉求) taken by a cadre, with a deadline and the answer reported back."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requester = models.CharField("诉求人", max_length=32)
    category = models.CharField("类别", max_length=16, choices=RequestCategory.choices)
    content = models.TextField("诉求内容", max_length=2000)
    received = models.DateField("受理日期")
    deadline = models.DateField("办理时限")
    status = models.CharField("状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    answer = models.TextField("办理结果", max_length=2000, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    author = _author()
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "群众诉求"
        ordering = ["status", "deadline", "pk"]
        indexes = [models.Index(fields=["village", "status"], name="request_village_status")]

    def __str__(self) -> str:
        return f"{self.requester} {self.get_category_display()}"


@scoping.register("village_id")
class LeaveRequest(models.Model):
    """Leave of a posted cadre. The township decides up to ``leave_township_max_days`` days; longer leave goes on
    to the county's organization department (``fupin.fieldwork.services.LEAVE_CHAIN``)."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    kind = models.CharField("类型", max_length=16, choices=LeaveKind.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    days = models.PositiveSmallIntegerField("天数")
    reason = models.CharField("事由", max_length=200)
    status = models.CharField("状态", max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING_TOWNSHIP)
    township_decision = models.CharField("乡镇意见", max_length=200, blank=True)
    township_by = models.CharField("乡镇审批人", max_length=150, blank=True)
    county_decision = models.CharField("县委组织部意见", max_length=200, blank=True)
    county_by = models.CharField("县委组织部审批人", max_length=150, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    author = _author()
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假"
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(fields=["village", "status"], name="leave_village_status"),
            models.Index(fields=["posting", "start"], name="leave_posting_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end}"


@scoping.register("village_id")
class LogTally(models.Model):
    """The work log's counts (and amounts brought in) per village, month and kind, kept in the same transaction as
    every log write: the dashboards sum these rows over an area's code range instead of counting millions of logs."""

    village = models.ForeignKey(
        "areas.Area",
        verbose_name="村",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月")
    kind = models.CharField("类型", max_length=16, choices=LogKind.choices)
    count = models.PositiveIntegerField("件数", default=0)
    amount = models.DecimalField("金额(万元)", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "驻村工作统计"
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "month", "kind"], name="logtally_unique"),
        ]
        indexes = [models.Index(fields=["year", "village"], name="logtally_year_village")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}-{self.month} {self.kind} {self.count}"


@scoping.register("village_id")
class Adjustment(models.Model):
    """A proposal to adjust (recall and replace) a posted cadre: by the county with evidence, or by a rule (more
    leave in a year than allowed). Approval recalls through ``cadres.services.posting_recall``."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    reason = models.CharField("调整理由", max_length=200)
    evidence = models.TextField("依据", max_length=2000, blank=True)
    by_rule = models.BooleanField("规则自动提出", default=False)
    year = models.PositiveSmallIntegerField("年度考核", null=True, blank=True, help_text="年度考核提出的，所属年度")
    status = models.CharField(
        "状态", max_length=16, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PROPOSED
    )
    proposed_by = models.CharField("提出人", max_length=150, blank=True)
    decided_by = models.CharField("审批人", max_length=150, blank=True)
    decision = models.CharField("审批意见", max_length=200, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调整建议"
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.reason}"


@scoping.exempt("the province's list of red lines (负面清单), the same for every area; province administrators edit it")
class RedLine(models.Model):
    """One of the negative constraints on posted cadres (the "12 red lines"; Guizhou's own text is not public, the
    list is seeded with common items and edited by the province), with its consequence."""

    code = models.CharField("编号", max_length=16, unique=True)
    title = models.CharField("内容", max_length=100)
    severity = models.CharField("处理", max_length=16, choices=Severity.choices)
    rating_cap = models.CharField("当年考核最高等次", max_length=8, choices=Grade.choices, blank=True)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "驻村干部负面清单"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title


@scoping.register("village_id")
class Inspection(models.Model):
    """A spot check (暗访/抽查) of a posted cadre by a township, county or organization-department inspector: was the
    cadre in the village? An absence without approved leave is unexcused and caps the year's rating."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    date = models.DateField("日期")
    kind = models.CharField("方式", max_length=16, choices=InspectionKind.choices)
    present = models.BooleanField("在岗")
    note = models.CharField("情况", max_length=300, blank=True)
    inspector = models.CharField("检查人", max_length=150)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "暗访抽查"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["village", "date"], name="inspection_village_date")]

    def __str__(self) -> str:
        return f"{self.date} {'在岗' if self.present else '不在岗'}"


@scoping.register("village_id")
class Violation(models.Model):
    """A red line crossed, with its evidence and the cadre's own statement."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    red_line = models.ForeignKey(RedLine, verbose_name="负面清单事项", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("发生日期")
    evidence = models.TextField("事实和依据", max_length=2000)
    statement = models.TextField("本人说明", max_length=2000, blank=True)
    recorded_by = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "违反负面清单"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.red_line_id}"


@scoping.register("village_id")
class RatingScore(models.Model):
    """One rater's score (0–100) of a posted cadre for a quarter or the year."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("期间", max_length=8, choices=Period.choices)
    rater = models.CharField("评价主体", max_length=16, choices=Rater.choices)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    entered_by = models.CharField("录入人", max_length=150)
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核评分"
        constraints = [
            models.UniqueConstraint(fields=["posting", "year", "period", "rater"], name="ratingscore_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.year} {self.period} {self.rater} {self.score}"


@scoping.register("village_id")
class Rating(models.Model):
    """A posted cadre's rating of a year: the weighted score, the grade it earns and the grade after the caps of
    unexcused absences and red lines, with the reasons (``analytics.fieldwork.ratings``)."""

    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    score = models.DecimalField("综合得分", max_digits=5, decimal_places=2, null=True)
    earned = models.CharField("按得分等次", max_length=8, choices=Grade.choices, blank=True)
    grade = models.CharField("评定等次", max_length=8, choices=Grade.choices)
    reasons = models.CharField("限制等次原因", max_length=300, blank=True)
    absences = models.PositiveSmallIntegerField("无故不在岗次数", default=0)
    computed_at = models.DateTimeField("评定时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        constraints = [models.UniqueConstraint(fields=["posting", "year"], name="rating_unique")]
        indexes = [models.Index(fields=["year", "village"], name="rating_year_village")]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.year} {self.grade}"


@scoping.exempt(
    "published by a county (or the province, a prefecture) to every cadre below it: a reader sees the lists of "
    "their area's ancestors, chosen by code in fieldwork.selectors.guidance_for; progress is in GuidanceDone"
)
class Guidance(models.Model):
    """A responsibility list (责任清单) or a quarter's work guidance (工作指导要点) published to an area's cadres."""

    area_code = models.CharField("发布范围", max_length=12, db_index=True)
    kind = models.CharField("类型", max_length=16, choices=GuidanceKind.choices)
    title = models.CharField("标题", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", null=True, blank=True)
    published_by = models.CharField("发布人", max_length=150)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "责任清单和工作指导要点"
        ordering = ["-year", "-quarter", "-published_at"]

    def __str__(self) -> str:
        return self.title


@scoping.exempt("an item of a published list (Guidance), read with its list")
class GuidanceItem(models.Model):
    guidance = models.ForeignKey(Guidance, verbose_name="清单", on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("事项", max_length=200)
    due = models.DateField("完成时限", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "清单事项"
        ordering = ["guidance_id", "order"]
        constraints = [models.UniqueConstraint(fields=["guidance", "order"], name="guidanceitem_unique")]

    def __str__(self) -> str:
        return self.title


@scoping.register("village_id")
class GuidanceDone(models.Model):
    """A cadre marks an item done, with a work-log entry of theirs as evidence."""

    item = models.ForeignKey(GuidanceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="done")
    posting = models.ForeignKey("cadres.Posting", verbose_name="派驻", on_delete=models.PROTECT, related_name="+")
    village = _village()
    log = models.ForeignKey(WorkLog, verbose_name="佐证记录", on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField("完成日期")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "清单事项完成情况"
        constraints = [models.UniqueConstraint(fields=["item", "posting"], name="guidancedone_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.posting_id}"
