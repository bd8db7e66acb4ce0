"""建档立卡: households, members and their yearly records.

Every row carries the 12-digit code of its village (``village_id``), so area scoping is one range predicate on
the row's own column — members and yearly records repeat their household's village for that reason; services
keep them equal.
"""

from __future__ import annotations

from django.db import models

from fupin.core import scoping


class Attribute(models.TextChoices):
    GENERAL = "一般贫困户", "一般贫困户"
    DIBAO = "低保贫困户", "低保贫困户"
    WUBAO = "特困供养贫困户", "特困供养(五保)贫困户"


class Cause(models.TextChoices):
    ILLNESS = "因病", "因病"
    DISABILITY = "因残", "因残"
    SCHOOLING = "因学", "因学"
    DISASTER = "因灾", "因灾"
    MARRIAGE = "因婚", "因婚"
    LAND = "缺土地", "缺土地"
    WATER = "缺水", "缺水"
    SKILLS = "缺技术", "缺技术"
    CAPITAL = "缺资金", "缺资金"
    LABOUR = "缺劳力", "缺劳力"
    TRANSPORT = "交通条件落后", "交通条件落后"
    MOTIVATION = "自身发展动力不足", "自身发展动力不足"
    OTHER = "其他", "其他"


class Status(models.TextChoices):
    POOR = "poor", "未脱贫"
    EXITED = "exited", "已脱贫"
    RETURNED = "returned", "返贫"
    CANCELLED = "cancelled", "已注销"


@scoping.register("village_id")
class Household(models.Model):
    household_no = models.CharField("户编号", max_length=24, unique=True)
    village = models.ForeignKey("areas.Area", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    attribute = models.CharField("贫困户属性", max_length=16, choices=Attribute.choices)
    main_cause = models.CharField("主要致贫原因", max_length=16, choices=Cause.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.POOR)
    identified_year = models.PositiveSmallIntegerField("识别年度")
    exit_year = models.PositiveSmallIntegerField("脱贫年度", null=True, blank=True)
    head_name = models.CharField("户主姓名", max_length=32, blank=True)
    size = models.PositiveSmallIntegerField("家庭人口", default=0)

    class Meta:
        verbose_name = "贫困户"
        verbose_name_plural = "贫困户"
        ordering = ["household_no"]
        indexes = [
            models.Index(fields=["village", "status"], name="household_village_status"),
            models.Index(fields=["head_name"], name="household_head_name"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}户（{self.household_no}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("household-detail", args=[self.household_no])


@scoping.register("village_id")
class Member(models.Model):
    """One person; the ID number is unique province-wide (one person belongs to one household)."""

    id_number = models.CharField("身份证号", max_length=18, unique=True)
    household = models.ForeignKey(Household, verbose_name="所属户", on_delete=models.PROTECT, related_name="members")
    village = models.ForeignKey("areas.Area", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=32, db_index=True)
    sex = models.CharField("性别", max_length=2)
    birth_date = models.DateField("出生日期")
    relation = models.CharField("与户主关系", max_length=16)
    education = models.CharField("文化程度", max_length=16, blank=True)
    student = models.BooleanField("在校生", default=False)
    health = models.CharField("健康状况", max_length=16, blank=True)
    labour = models.CharField("劳动技能", max_length=16, blank=True)
    migrant_months = models.SmallIntegerField("务工时间(月)", default=0)
    medical_insurance = models.BooleanField("基本医疗保险", default=True)
    critical_illness_insurance = models.BooleanField("大病保险", default=True)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return self.name


@scoping.register("village_id")
class HouseholdYear(models.Model):
    household = models.ForeignKey(Household, verbose_name="户", on_delete=models.PROTECT, related_name="years")
    village = models.ForeignKey("areas.Area", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    poor = models.BooleanField("年末未脱贫")
    income_per_capita = models.DecimalField("人均纯收入(元)", max_digits=12, decimal_places=2)
    wage_income = models.DecimalField("工资性收入", max_digits=12, decimal_places=2, default=0)
    production_income = models.DecimalField("生产经营性收入", max_digits=12, decimal_places=2, default=0)
    property_income = models.DecimalField("财产性收入", max_digits=12, decimal_places=2, default=0)
    transfer_income = models.DecimalField("转移性收入", max_digits=12, decimal_places=2, default=0)
    food_ok = models.BooleanField("不愁吃", default=True)
    clothing_ok = models.BooleanField("不愁穿", default=True)
    education_ok = models.BooleanField("义务教育有保障", default=True)
    medical_ok = models.BooleanField("基本医疗有保障", default=True)
    housing_grade = models.CharField("住房等级", max_length=1)
    relocated = models.BooleanField("易地扶贫搬迁", default=False)
    water_ok = models.BooleanField("饮水安全", default=True)

    class Meta:
        verbose_name = "年度记录"
        verbose_name_plural = "年度记录"
        ordering = ["household_id", "year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="householdyear_unique")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"
