"""Precomputed indicators per area and year (dashboards read these, never the registry) and area statistics."""

from __future__ import annotations

from django.db import models

from fupin.checks.choices import FindingStatus
from fupin.core import scoping

LABELS = {
    "poor_households": ("年末贫困户", "户"),
    "poor_people": ("年末贫困人口", "人"),
    "exit_households": ("当年脱贫户", "户"),
    "exit_people": ("当年脱贫人口", "人"),
    "rural_population": ("农村人口", "人"),
    "incidence": ("贫困发生率", "%"),
    "findings": ("核查发现", "条"),
    "findings_open": ("未办结核查发现", "条"),
    "surveyed_people": ("抽样调查非建档人口", "人"),
    "return_households": ("当年返贫户", "户"),
    "return_people": ("当年返贫人口", "人"),
    "monitored_households": ("当年新增监测户", "户"),
    "monitored_people": ("当年新增监测人口", "人"),
    "monitoring_households": ("年末监测对象", "户"),
    "monitoring_people": ("年末监测对象人口", "人"),
    "monitoring_unstable": ("脱贫不稳定户", "户"),
    "monitoring_marginal": ("边缘易致贫户", "户"),
    "monitoring_sudden": ("突发严重困难户", "户"),
    "monitoring_overdue": ("超过认定时限的监测识别", "户"),
    "monitoring_eliminated": ("当年风险消除", "户"),
    "registered_people": ("建档立卡人口（累计识别）", "人"),
    "monitoring_share_registered": ("监测对象占建档立卡人口比例", "%"),
    "monitoring_share_rural": ("监测对象占农村人口比例", "%"),
    "missed_people": ("漏评人口", "人"),
    "wrong_exit_households": ("错退户", "户"),
    "wrong_exit_people": ("错退人口", "人"),
    "comprehensive_incidence": ("综合贫困发生率", "%"),
    "wrong_exit_rate": ("错退率", "%"),
    "missed_rate": ("漏评率", "%"),
    "approval_rate": ("群众认可度", "%"),
    "fs_needed": ("需选派第一书记的村", "个"),
    "fs_covered": ("已有第一书记的村", "个"),
}
# Findings by status are stored as status_<status>; their labels come from FindingStatus.


@scoping.register("area_id")
class AreaStatistic(models.Model):
    area = models.ForeignKey("areas.Area", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    rural_population = models.PositiveIntegerField("农村人口")
    approval_rate = models.FloatField("群众认可度(第三方评估)", null=True, blank=True)
    source = models.CharField("来源", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "区划统计"
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="areastatistic_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}"


@scoping.register("area_code")
class IndicatorValue(models.Model):
    area_code = models.CharField("区划", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    key = models.CharField("指标", max_length=48)
    value = models.FloatField("数值")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标值"
        constraints = [models.UniqueConstraint(fields=["area_code", "year", "key"], name="indicator_unique")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year} {self.key}={self.value}"

    @property
    def label(self) -> str:
        if self.key.startswith("findings_") and self.key != "findings_open":
            from fupin.analytics.rules import BY_ID  # lazy: the rule catalogue loads Ibis (≈1.5 s)

            rule = BY_ID.get(self.key.removeprefix("findings_"))
            return rule.title if rule else self.key
        if self.key.startswith("status_"):
            status = self.key.removeprefix("status_")
            return f"核查发现·{FindingStatus(status).label}" if status in FindingStatus.values else self.key
        return LABELS.get(self.key, (self.key, ""))[0]


@scoping.register("area_code")
class IndicatorRefresh(models.Model):
    """One refresh of the indicator table: dashboards key their caches on the latest one, so a refresh shows at
    once and an unchanged table is never read twice."""

    area_code = models.CharField("范围", max_length=12)
    kind = models.CharField("内容", max_length=16, default="indicators")  # indicators / coverage
    last_year = models.PositiveSmallIntegerField("截至年度")
    rows = models.PositiveIntegerField("指标条数")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标更新"
        indexes = [models.Index(fields=["area_code", "id"], name="indicatorrefresh_area")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.kind} {self.at:%Y-%m-%d %H:%M}"


@scoping.register("area_code")
class IndicatorDue(models.Model):
    """An area whose indicators a write has made stale (a procedure step, a finding's transition, a yearly record,
    an import, a posting, …). The refresh job recomputes each due area and its ancestors, then deletes the rows it
    has done: a job that fails or is killed leaves them for the next one."""

    area_code = models.CharField("区划", max_length=12)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "待更新指标的区划"
        indexes = [models.Index(fields=["area_code"], name="indicatordue_area")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.at:%Y-%m-%d %H:%M}"
