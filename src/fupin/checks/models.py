from __future__ import annotations

from django.db import models

from fupin.core import scoping

from .choices import FindingStatus


@scoping.register("area_code")
class CheckRun(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    area_code = models.CharField("范围", max_length=12, db_index=True)
    engine = models.CharField("引擎", max_length=16)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    started_at = models.DateTimeField("开始", auto_now_add=True)
    seconds = models.FloatField("用时(秒)", default=0)
    params = models.JSONField("参数", default=dict)
    counts = models.JSONField("各规则命中数", default=dict)
    new_findings = models.PositiveIntegerField("新发现", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "核查批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.area_code} {self.engine}"


@scoping.register("village_id")
class Finding(models.Model):
    """One hit of one rule on one household (or person) for one year; re-running the check updates it in place."""

    rule_id = models.CharField("规则", max_length=48)
    year = models.PositiveSmallIntegerField("年度")
    household_no = models.CharField("户编号", max_length=24)
    person_id = models.CharField("身份证号", max_length=18, blank=True)
    village = models.ForeignKey(
        "areas.Area",
        verbose_name="所在村",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    category = models.CharField("类别", max_length=8)
    severity = models.CharField("严重程度", max_length=8)
    explanation = models.CharField("说明", max_length=300)
    value = models.FloatField("数值", null=True, blank=True)
    detail = models.CharField("依据", max_length=200, blank=True)
    status = models.CharField("处理状态", max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    status_reason = models.CharField("处理说明", max_length=300, blank=True)
    present = models.BooleanField("最近一次核查仍命中", default=True)
    first_run = models.ForeignKey(CheckRun, on_delete=models.PROTECT, related_name="+", verbose_name="首次发现")
    # the last run that changed the finding (text, value or presence): a re-run that finds the same rewrites nothing
    last_run = models.ForeignKey(
        CheckRun, on_delete=models.PROTECT, related_name="+", verbose_name="最近一次有变化的核查"
    )

    class Meta:
        verbose_name = verbose_name_plural = "核查发现"
        ordering = ["village_id", "household_no", "rule_id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "year", "household_no", "person_id"], name="finding_unique")
        ]
        indexes = [
            models.Index(fields=["village", "year", "status"], name="finding_village_year_status"),
            models.Index(fields=["household_no"], name="finding_household"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.rule_id} {self.household_no}"
