"""Helping units, cadres, postings (first secretaries, resident cadres) and dispatch plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fupin.core import scoping

from .choices import BenefitKind, CadreType, PostingRole, PostingStatus


@scoping.register("area_id")
class HelpingUnit(models.Model):
    unit_id = models.CharField("单位编号", max_length=16, unique=True)
    name = models.CharField("单位名称", max_length=100)
    level = models.CharField("层级", max_length=4)  # 省 / 市 / 县
    kind = models.CharField("性质", max_length=16)
    area = models.ForeignKey("areas.Area", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "帮扶单位"
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return self.name


@scoping.register("area_id")
class Cadre(models.Model):
    """A cadre of a helping unit; ``area`` is the unit's area (who may see and send them)."""

    person_id = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=2)
    birth_date = models.DateField("出生日期")
    unit = models.ForeignKey(HelpingUnit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="cadres")
    area = models.ForeignKey("areas.Area", verbose_name="单位所在区划", on_delete=models.PROTECT, related_name="+")
    rank = models.CharField("职级", max_length=16)
    cadre_type = models.CharField("类型", max_length=4, choices=CadreType.choices)
    specialty = models.CharField("专业特长", max_length=16, blank=True)
    years_of_work = models.PositiveSmallIntegerField("工作年限")
    staff_status = models.CharField("编制", max_length=8)
    rating_prev = models.CharField("前年考核", max_length=8, blank=True)
    rating_last = models.CharField("上年考核", max_length=8, blank=True)
    rating_year = models.PositiveSmallIntegerField("上年考核年度", null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cadre", help_text="驻村干部本人的账号：民情日记、请假等由本人在派驻村填报",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["area_id", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


@scoping.register("village_id")
class Posting(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="postings")
    village = models.ForeignKey("areas.Area", verbose_name="派驻村", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("职务", max_length=24, choices=PostingRole.choices)
    round = models.PositiveSmallIntegerField("轮次(年度)")
    start = models.DateField("到岗")
    end = models.DateField("离岗", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=PostingStatus.choices, default=PostingStatus.ACTIVE)
    end_reason = models.CharField("离岗原因", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派驻"
        ordering = ["village_id", "role"]
        indexes = [models.Index(fields=["village", "status"], name="posting_village_status")]

    def __str__(self) -> str:
        return f"{self.cadre_id}→{self.village_id}"


@scoping.register("area_code")
class DispatchPlan(models.Model):
    round = models.PositiveSmallIntegerField("轮次(年度)")
    area_code = models.CharField("范围", max_length=12)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    actor_username = models.CharField("生成人", max_length=150, blank=True)
    status = models.CharField("状态", max_length=16, default="draft")  # draft / approved
    objective = models.BigIntegerField("目标值", default=0)
    certified_objective = models.FloatField("线性规划最优值", null=True, blank=True)
    summary = models.JSONField("摘要", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "选派方案"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.round} {self.area_code} {self.status}"


@scoping.register("village_id")
class PlanItem(models.Model):
    plan = models.ForeignKey(DispatchPlan, verbose_name="方案", on_delete=models.CASCADE, related_name="items")
    village = models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("职务", max_length=24, choices=PostingRole.choices, default=PostingRole.FIRST_SECRETARY)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT)
    cost = models.IntegerField("代价", default=0)
    reason = models.CharField("理由", max_length=300)
    edited = models.BooleanField("人工调整", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "方案明细"
        ordering = ["plan_id", "village_id"]

    def __str__(self) -> str:
        return f"{self.village_id}: {self.cadre_id}"


@scoping.register("village_id")
class Benefit(models.Model):
    """A benefit paid for a posting (POLICY.md §5): living subsidy, insurance, travel, health check, work funds."""

    posting = models.ForeignKey(Posting, verbose_name="派驻", on_delete=models.PROTECT, related_name="benefits")
    village = models.ForeignKey(
        "areas.Area",
        verbose_name="派驻村",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField("项目", max_length=16, choices=BenefitKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("金额(元)", max_digits=10, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驻村保障"
        ordering = ["posting_id", "year", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


@scoping.register("area_id")
class WorkTeam(models.Model):
    """A county work team (area = county) or a village work group (area = village) of a round."""

    area = models.ForeignKey("areas.Area", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        "类型", max_length=16, choices=[("county_team", "县驻村工作队"), ("village_group", "驻村工作组")]
    )
    round = models.PositiveSmallIntegerField("轮次(年度)")

    class Meta:
        verbose_name = verbose_name_plural = "工作队(组)"
        constraints = [models.UniqueConstraint(fields=["area", "kind", "round"], name="workteam_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.get_kind_display()} {self.round}"


@scoping.register("cadre__area_id")
class Promotion(models.Model):
    """A cadre promoted or given a more important post (提拔重用), e.g. after serving in a village."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="promotions")
    on = models.DateField("日期")
    post = models.CharField("新任职务", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.CharField("记录人", max_length=150)

    class Meta:
        verbose_name = verbose_name_plural = "提拔重用"
        ordering = ["-on", "pk"]
        indexes = [models.Index(fields=["on"], name="promotion_on")]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.on} {self.post}"
