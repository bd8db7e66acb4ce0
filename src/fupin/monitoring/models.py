"""Return-to-poverty monitoring (防止返贫动态监测和帮扶): a household's case from intake to risk elimination.

A case is opened by its first source (a household's report, a cadre's visit, a department's alert) and merges the
later ones while it is open; its identification and its risk elimination are the registry's procedures (dated,
signed steps, the notice, the verdict at the end), which the case follows. Help measures and follow-up visits
belong to the case. Every row belongs to the household's village (the scoping column).
"""

from __future__ import annotations

from django.db import models

from fupin.core import scoping

from .choices import OPEN_STATUSES, CaseStatus, Channel, MeasureKind, RiskType


@scoping.register("village_id")
class Case(models.Model):
    household = models.ForeignKey(
        "registry.Household", verbose_name="户", on_delete=models.PROTECT, related_name="monitoring_cases"
    )
    village = models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.IDENTIFYING)
    group = models.CharField("监测对象类型", max_length=16, blank=True)  # registry.MonitoringGroup, once proposed
    risk = models.CharField("主要风险类型", max_length=16, choices=RiskType.choices, default=RiskType.OTHER)
    opened_on = models.DateField("发现日期")  # the first source's date: the time limit runs from it
    deadline = models.DateField("认定时限")
    decided_on = models.DateField("认定结论日期", null=True, blank=True)
    eliminated_on = models.DateField("风险消除日期", null=True, blank=True)
    closed_reason = models.CharField("未纳入或撤回理由", max_length=200, blank=True)
    identification = models.OneToOneField(
        "registry.Procedure", verbose_name="识别程序", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    elimination = models.OneToOneField(
        "registry.Procedure", verbose_name="风险消除程序", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    previous = models.ForeignKey(
        "self", verbose_name="上一次监测", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.CharField("帮扶责任人", max_length=40, blank=True)
    # the last monitoring run's risk score and ranks (analytics.monitoring), its factors explained
    score = models.PositiveSmallIntegerField("风险评分", null=True, blank=True)
    village_rank = models.PositiveIntegerField("村内排名", null=True, blank=True)
    township_rank = models.PositiveIntegerField("乡镇内排名", null=True, blank=True)
    factors = models.JSONField("风险因素", default=list, blank=True)
    elimination_ready = models.BooleanField("符合风险消除条件", default=False)
    elimination_gaps = models.CharField("尚未满足的风险消除条件", max_length=500, blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "防返贫监测对象"
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["village", "status"], name="moncase_village_status"),
            models.Index(fields=["status", "deadline"], name="moncase_status_deadline"),
        ]
        constraints = [
            # one open case per household: a second source merges into it
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(status__in=sorted(OPEN_STATUSES)), name="moncase_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_status_display()}"


@scoping.register("village_id")
class Source(models.Model):
    """One report that brought (or joined) a case: the channel, when, and its reference (the department's alert
    number, the work log, the report). ``detail`` may hold private facts (a diagnosis, a bill): never on a notice."""

    case = models.ForeignKey(Case, verbose_name="监测对象", on_delete=models.CASCADE, related_name="sources")
    village = models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    ref = models.CharField("来源编号", max_length=64)
    reported_on = models.DateField("日期")
    risk = models.CharField("风险类型", max_length=16, choices=RiskType.choices, default=RiskType.OTHER)
    department = models.CharField("预警部门", max_length=32, blank=True)
    amount = models.DecimalField("金额(元)", max_digits=12, decimal_places=2, null=True, blank=True)
    detail = models.CharField("情况说明", max_length=500, blank=True)
    reported_by = models.CharField("登记人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测线索来源"
        ordering = ["reported_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["channel", "ref"], name="monsource_unique_ref")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.ref}"


@scoping.register("village_id")
class Measure(models.Model):
    case = models.ForeignKey(Case, verbose_name="监测对象", on_delete=models.CASCADE, related_name="measures")
    village = models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("帮扶措施", max_length=16, choices=MeasureKind.choices)
    content = models.CharField("措施内容", max_length=300)
    responsible = models.CharField("责任人", max_length=40)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    recorded_by = models.CharField("登记人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测帮扶措施"
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.content[:20]}"


@scoping.register("village_id")
class FollowUp(models.Model):
    """A follow-up visit (回访): the township visits each monitored household at least monthly (a parameter)."""

    case = models.ForeignKey(Case, verbose_name="监测对象", on_delete=models.CASCADE, related_name="follow_ups")
    village = models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("回访日期")
    visitor = models.CharField("回访人", max_length=40)
    income_per_capita = models.DecimalField("人均纯收入(预估，元/年)", max_digits=12, decimal_places=2)
    rigid_spending = models.DecimalField("刚性支出(元/年)", max_digits=12, decimal_places=2, default=0)
    guarantees_ok = models.BooleanField("两不愁三保障及饮水安全有保障")
    note = models.CharField("回访情况", max_length=500, blank=True)
    recorded_by = models.CharField("登记人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测回访"
        ordering = ["visited_on", "pk"]
        indexes = [models.Index(fields=["case", "visited_on"], name="monfollowup_case_on")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"
