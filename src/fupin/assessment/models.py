"""Assessment and accountability (压实责任).

- A **scheme** (考核方案) is a year's assessment by one area (the province, a prefecture or a county) of a set of
  areas two levels down chosen by rule (下考两级), with weighted **indicators** computed from fupin's own data or
  entered (现场观摩、群众测评); running it stores one **result** per assessed area with each indicator's
  contribution, the rank, and the bottom of the ranking flagged with the scheme's consequence.
- A helping unit's yearly **grade** (帮扶单位年度目标考核等次) follows the seed's rule: a unit whose cadres are rated
  poorly, whose masses' feedback is poor or whose villages come last cannot be first class.
- An accountability **case** (约谈 / 问责) names whom, by whom and why (its evidence: a ranking, findings,
  violations, a unit's grade) and goes through dated steps: the 整改 measures and deadline, progress, 销号 — or an
  exemption (容错纠错) with its grounds.

Schemes belong to the assessing area; results, entered values and cases to the assessed area (so the assessed see
their own); unit grades to the unit's area."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from fupin.core import scoping

from .choices import (
    Accountability,
    Assessed,
    CaseKind,
    CaseStatus,
    ChangeStatus,
    Consequence,
    ContactKind,
    Lead,
    LeaderPost,
    Method,
    Problem,
    SchemeStatus,
    Source,
    Step,
)


def _area(verbose: str, related: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey("areas.Area", verbose_name=verbose, on_delete=models.PROTECT, related_name=related)


def _by() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


@scoping.register("area_id")
class Scheme(models.Model):
    area = _area("考核单位")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("方案名称", max_length=100)
    assessed = models.CharField("考核对象", max_length=32, choices=Assessed.choices)
    bottom = models.PositiveSmallIntegerField("末位数", default=1)
    consequence = models.CharField("末位处理", max_length=24, choices=Consequence.choices)
    status = models.CharField("状态", max_length=8, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    run_at = models.DateTimeField("考核时间", null=True, blank=True)
    missing = models.JSONField("缺少数据的指标", default=dict, blank=True)  # title → areas without a value, last run
    created_by = _by()
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核方案"
        ordering = ["-year", "area_id", "title"]
        constraints = [models.UniqueConstraint(fields=["area", "year", "title"], name="scheme_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def full_title(self) -> str:
        """The title with its year once (people name schemes "2017 年…" or not)."""
        return self.title if str(self.year) in self.title else f"{self.year} 年{self.title}"


@scoping.exempt("a line of its scheme (Scheme), read with it")
class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField("序号")
    source = models.CharField("数据来源", max_length=24, choices=Source.choices)
    title = models.CharField("指标名称", max_length=60)
    weight = models.DecimalField("权重(分)", max_digits=5, decimal_places=2)
    higher_better = models.BooleanField("数值越大越好", default=True)
    method = models.CharField("计分方法", max_length=16, choices=Method.choices)
    target = models.FloatField("目标值", null=True, blank=True)
    step = models.FloatField("每单位扣分", null=True, blank=True)
    veto = models.FloatField("一票否决线", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标"
        ordering = ["scheme_id", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "order"], name="assessment_indicator_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self) -> str:
        """The value's unit as its source names it: % for a rate, 起/个 for a count, 分 for a score."""
        label = str(Source(self.source).label) if self.source in Source.values else ""
        for mark, unit in (("(%)", "%"), ("(百分点)", "个百分点"), ("(起)", "起"), ("(个)", "个")):
            if label.endswith(mark):
                return unit
        return "分"


@scoping.register("area_id")
class EnteredValue(models.Model):
    """An entered indicator's value for one assessed area (a 观摩 score, a survey)."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="values")
    area = _area("被考核单位")
    value = models.FloatField("数值")
    entered_by = _by()
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核录入值"
        constraints = [models.UniqueConstraint(fields=["indicator", "area"], name="enteredvalue_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.value}"


@scoping.register("area_id")
class Result(models.Model):
    """One assessed area's result: total, rank (1 = best), whether it is at the bottom, the cap's reasons and each
    indicator's contribution ({order, value, score, points, note})."""

    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="results")
    area = _area("被考核单位")
    total = models.DecimalField("总分", max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField("排名")
    bottom = models.BooleanField("末位", default=False)
    capped = models.CharField("一票否决", max_length=300, blank=True)
    parts = models.JSONField("各项得分", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "考核结果"
        ordering = ["scheme_id", "rank", "area_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "area"], name="result_unique")]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.area_id} {self.rank}"


@scoping.register("area_id")
class Case(models.Model):
    """An accountability case (约谈 / 问责) against the leaders of ``area``, opened by ``authority``'s
    organization department or discipline inspection; its dated steps are ``CaseStep`` rows."""

    area = _area("被约谈/问责单位")
    authority = _area("立案单位")
    kind = models.CharField("类型", max_length=16, choices=CaseKind.choices)
    accountability = models.CharField("问责方式", max_length=16, choices=Accountability.choices, blank=True)
    problem = models.CharField("问题类型", max_length=16, choices=Problem.choices, blank=True, default="")
    lead = models.CharField("线索来源", max_length=16, choices=Lead.choices, blank=True, default="")
    subject = models.CharField("对象", max_length=100)
    reason = models.CharField("事由", max_length=300)
    evidence = models.JSONField("依据", default=list)
    opened_on = models.DateField("约谈/问责日期")
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    measures = models.TextField("整改措施", max_length=2000, blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    closed_on = models.DateField("销号/免责日期", null=True, blank=True)
    scheme = models.ForeignKey(
        Scheme, verbose_name="考核方案", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    created_by = _by()
    created_at = models.DateTimeField("立案时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "约谈问责"
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["status", "area"], name="case_status_area")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"


@scoping.exempt("a dated step of its case (Case), read with it")
class CaseStep(models.Model):
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("步骤", max_length=16)
    on = models.DateField("日期")
    text = models.TextField("内容", max_length=2000)
    by = _by()
    by_name = models.CharField("经办人", max_length=150)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "约谈问责步骤"
        ordering = ["case_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.on}"


@scoping.register("area_id")
class UnitGrade(models.Model):
    """A helping unit's grade of a year (一等奖 … 不评等次): the score its cadres earned, the grade by score and
    the grade after the seed's caps, with the reasons."""

    unit = models.ForeignKey("cadres.HelpingUnit", verbose_name="帮扶单位", on_delete=models.PROTECT, related_name="+")
    area = _area("单位所在区划")
    year = models.PositiveSmallIntegerField("年度")
    cadres = models.PositiveSmallIntegerField("派驻干部人数")
    score = models.DecimalField("得分", max_digits=5, decimal_places=2, null=True)
    earned = models.CharField("按得分等次", max_length=8, blank=True)
    grade = models.CharField("评定等次", max_length=8)
    reasons = models.CharField("不得评为一等奖的原因", max_length=500, blank=True)
    computed_at = models.DateTimeField("评定时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮扶单位年度等次"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unitgrade_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.grade}"


@scoping.register("area_id")
class Leader(models.Model):
    """A member of an area's leadership team (领导班子) in a post from ``start`` until the day before ``end``."""

    area = _area("所在地区")
    name = models.CharField("姓名", max_length=32)
    post = models.CharField("岗位", max_length=24, choices=LeaderPost.choices)
    title = models.CharField("职务", max_length=60)
    start = models.DateField("任职日期")
    end = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=200, blank=True)
    ref = models.CharField("编号", max_length=24, blank=True, db_index=True)  # a loaded roster's own key

    class Meta:
        verbose_name = verbose_name_plural = "党政领导"
        ordering = ["area_id", "post", "-start"]
        indexes = [models.Index(fields=["area", "post", "end"], name="leader_area_post")]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


@scoping.register("area_id")
class LeaderChange(models.Model):
    """A change of a poor county's Party secretary or government head before the county exits (不脱贫不调整、不摘帽
    不调整): held for the province's approval with its reason; applied only when approved."""

    area = _area("县")
    post = models.CharField("岗位", max_length=24, choices=LeaderPost.choices)
    leader = models.ForeignKey(Leader, verbose_name="现任", on_delete=models.PROTECT, related_name="+")
    successor = models.CharField("继任人", max_length=32, blank=True)
    successor_title = models.CharField("继任职务", max_length=60, blank=True)
    on = models.DateField("调整日期")
    reason = models.CharField("调整理由", max_length=300)
    flag = models.CharField("提示", max_length=200)
    status = models.CharField("状态", max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    decision = models.CharField("审批意见", max_length=200, blank=True)
    proposed_by = _by()
    decided_by = models.CharField("审批人", max_length=150, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "贫困县党政正职调整"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.area_id} {self.post} {self.on}"


@scoping.register("area_id")
class ContactPoint(models.Model):
    """包保: a leader's township or village (``area``), from ``start`` until the day before ``end``."""

    leader = models.ForeignKey(Leader, verbose_name="领导", on_delete=models.PROTECT, related_name="points")
    area = _area("联系乡镇/村")
    kind = models.CharField("方式", max_length=16, choices=ContactKind.choices, default=ContactKind.CONTACT)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "包保联系点"
        ordering = ["area_id", "-start"]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.area_id}"


@scoping.register("area_id")
class ContactVisit(models.Model):
    """A leader's visit to a contact point: what was found and what was solved (深入基层联系点调研、帮助破解难题)."""

    point = models.ForeignKey(ContactPoint, verbose_name="联系点", on_delete=models.PROTECT, related_name="visits")
    area = _area("联系乡镇/村")
    date = models.DateField("日期")
    note = models.TextField("调研和解决问题情况", max_length=2000)
    recorded_by = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联系点走访"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.point_id} {self.date}"


@scoping.register("area_id")
class Debriefing(models.Model):
    """A Party secretary's debriefing (述职评议) of a year: the evaluators' votes, the score and grade by the rule
    (``analytics.assessment.debriefings``), stored on the person (``leader``, for a county's or township's
    secretary on record) and read by the assessments."""

    area = _area("地区")
    year = models.PositiveSmallIntegerField("年度")
    leader = models.ForeignKey(Leader, verbose_name="党委书记", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="debriefings")  # fmt: skip
    name = models.CharField("述职人", max_length=32)
    held_on = models.DateField("述职日期")
    good = models.PositiveIntegerField("好（票）")
    fairly_good = models.PositiveIntegerField("较好（票）")
    average = models.PositiveIntegerField("一般（票）")
    poor = models.PositiveIntegerField("差（票）")
    score = models.DecimalField("评议得分", max_digits=5, decimal_places=2)
    grade = models.CharField("评议等次", max_length=4)
    comments = models.TextField("主要问题和评议意见", max_length=2000, blank=True)
    recorded_by = models.CharField("记录人", max_length=150)
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "党委书记述职评议"
        ordering = ["-year", "area_id"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="debriefing_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year} {self.grade}"


@scoping.exempt(
    "launched by the province, a prefecture or a county for every area below it: a reader sees the campaigns of "
    "their area's ancestors and their own, chosen by code in assessment.selectors.campaigns_for; the tasks carry "
    "each area's part"
)
class Campaign(models.Model):
    """A campaign (攻势: 春季攻势、夏秋攻势…) of an area for a period, with its goals; its tasks follow the
    five-step method."""

    area = _area("发起单位")
    name = models.CharField("名称", max_length=60)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    goals = models.TextField("目标任务", max_length=2000)
    created_by = _by()
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "攻坚行动"
        ordering = ["-start", "area_id"]

    def __str__(self) -> str:
        return self.name


@scoping.register("area_id")
class CampaignTask(models.Model):
    """One task of a campaign for one area (the launching area or one below it): its step, due date and, once
    done, the date, what was done and, for a training, how many attended."""

    campaign = models.ForeignKey(Campaign, verbose_name="行动", on_delete=models.CASCADE, related_name="tasks")
    area = _area("责任单位")
    step = models.CharField("步骤", max_length=16, choices=Step.choices)
    title = models.CharField("任务", max_length=100)
    due = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("完成情况", max_length=300, blank=True)
    attendance = models.PositiveIntegerField("参训人数", null=True, blank=True)
    reported_by = models.CharField("报告人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "攻坚行动任务"
        ordering = ["campaign_id", "step", "due", "area_id"]
        indexes = [models.Index(fields=["campaign", "area"], name="campaigntask_area")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.area_id} {self.title}"
