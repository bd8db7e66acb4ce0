"""建档立卡: households, members and their yearly records.

Every row carries the 12-digit code of its village (``village_id``), so area scoping is one range predicate on
the row's own column — members and yearly records repeat their household's village for that reason; services
keep them equal.
"""

from __future__ import annotations

from django.db import models

from fupin.core import scoping

from .choices import (
    Attribute,
    Cause,
    MonitoringGroup,
    ProcedureKind,
    ProcedureStatus,
    Relation,
    SchoolStage,
    Status,
)


@scoping.register("county_id")
class Helper(models.Model):
    """帮扶责任人: a cadre responsible for a few households of one county."""

    county = models.ForeignKey("areas.Area", verbose_name="所在县", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=32)
    unit = models.CharField("帮扶单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "帮扶责任人"
        verbose_name_plural = "帮扶责任人"
        ordering = ["county_id", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name", "phone"], name="helper_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


@scoping.register("village_id")
class Household(models.Model):
    household_no = models.CharField("户编号", max_length=24)
    # indexed by household_village_status (village first); no separate FK index
    village = models.ForeignKey(
        "areas.Area", verbose_name="所在村", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    attribute = models.CharField("贫困户属性", max_length=16, choices=Attribute.choices)
    main_cause = models.CharField("主要致贫原因", max_length=16, choices=Cause.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.POOR)
    identified_year = models.PositiveSmallIntegerField("识别年度")
    exit_year = models.PositiveSmallIntegerField("脱贫年度", null=True, blank=True)
    head_name = models.CharField("户主姓名", max_length=32, blank=True)
    size = models.PositiveSmallIntegerField("家庭人口", default=0)
    group_name = models.CharField("村民小组", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    helper = models.ForeignKey(
        Helper, verbose_name="帮扶责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    monitoring_group = models.CharField("监测对象类型", max_length=16, choices=MonitoringGroup.choices, blank=True)

    class Meta:
        verbose_name = "贫困户"
        verbose_name_plural = "贫困户"
        ordering = ["household_no"]
        constraints = [models.UniqueConstraint(fields=["household_no"], name="household_no_unique")]
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

    id_number = models.CharField("身份证号", max_length=18)
    household = models.ForeignKey(Household, verbose_name="所属户", on_delete=models.PROTECT, related_name="members")
    # a copy of the household's village for scoping (DESIGN §11): integrity comes from the household's own FK
    village = models.ForeignKey(
        "areas.Area",
        verbose_name="所在村",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    name = models.CharField("姓名", max_length=32)
    sex = models.CharField("性别", max_length=2)
    birth_date = models.DateField("出生日期")
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    education = models.CharField("文化程度", max_length=16, blank=True)
    student = models.BooleanField("在校生", default=False)
    # db_default: rows inserted column-wise (imports, bulk loads) that do not carry the column get it from the database
    school_stage = models.CharField("在校阶段", max_length=8, choices=SchoolStage.choices, blank=True, db_default="")
    # 因残等原因不能到校、由学校送教上门: counts as enrolled for 义务教育有保障
    home_schooled = models.BooleanField("送教上门", default=False, db_default=False)
    health = models.CharField("健康状况", max_length=16, blank=True)
    labour = models.CharField("劳动技能", max_length=16, blank=True)
    disability = models.CharField("残疾情况", max_length=16, blank=True)
    deceased_on = models.DateField("死亡日期", null=True, blank=True)
    migrant_months = models.SmallIntegerField("务工时间(月)", default=0)
    medical_insurance = models.BooleanField("基本医疗保险", default=True)
    critical_illness_insurance = models.BooleanField("大病保险", default=True)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household_id", "id"]
        # unique and plain indexes declared here, not with unique=/db_index=, so that PostgreSQL gets no extra
        # varchar_pattern_ops copies (the database collation is C; the plain btree serves prefix searches)
        constraints = [models.UniqueConstraint(fields=["id_number"], name="member_id_number_unique")]
        indexes = [
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["village"], name="member_village"),
            # the last four digits of the ID number, then the village (search by 后四位 within a county); literal
            # positions so that the query's text matches the index's (registry.selectors._id_last4)
            models.Index(
                models.Func(
                    models.F("id_number"), template="SUBSTR(%(expressions)s, 15, 4)", output_field=models.CharField()
                ),
                "village",
                name="member_id_last4",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@scoping.register("village_id")
class HouseholdYear(models.Model):
    household = models.ForeignKey(Household, verbose_name="户", on_delete=models.PROTECT, related_name="years")
    village = models.ForeignKey(
        "areas.Area",
        verbose_name="所在村",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
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
    water_litres = models.PositiveSmallIntegerField("人均日供水量(升)", null=True, blank=True)
    water_quality_ok = models.BooleanField("水质达标", null=True, blank=True)
    water_minutes = models.PositiveSmallIntegerField("往返取水时间(分钟)", null=True, blank=True)
    water_cut_days = models.PositiveSmallIntegerField("年停水天数", null=True, blank=True)
    water_short_area = models.BooleanField("属缺水地区", default=False, db_default=False)
    production_costs = models.DecimalField("生产经营费用", max_digits=12, decimal_places=2, default=0)
    arable_land = models.DecimalField("耕地面积(亩)", max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "年度记录"
        verbose_name_plural = "年度记录"
        ordering = ["household_id", "year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="householdyear_unique")]
        indexes = [models.Index(fields=["village", "year"], name="householdyear_village_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


@scoping.register("village_id")
class Procedure(models.Model):
    """One run of a lifecycle procedure for a household; its steps are dated and signed (see procedures.py)."""

    household = models.ForeignKey(Household, verbose_name="户", on_delete=models.PROTECT, related_name="procedures")
    village = models.ForeignKey("areas.Area", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("程序", max_length=16, choices=ProcedureKind.choices)
    status = models.CharField("状态", max_length=16, choices=ProcedureStatus.choices, default=ProcedureStatus.OPEN)
    year = models.PositiveSmallIntegerField("年度")
    reason = models.CharField("事由", max_length=200, blank=True)
    outcome = models.CharField("结论", max_length=200, blank=True)
    opened_on = models.DateField("启动日期")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # a county-level approval to proceed although the household's verdict refuses it (registry.verdicts)
    override_reason = models.CharField("县级批准带否决项办理的理由", max_length=500, blank=True)
    override_by = models.CharField("批准人", max_length=150, blank=True)
    override_vetoes = models.CharField("批准时的否决项", max_length=1000, blank=True)

    class Meta:
        verbose_name = "程序"
        verbose_name_plural = "程序"
        ordering = ["household_id", "opened_on", "id"]
        indexes = [models.Index(fields=["kind", "status", "village"], name="procedure_kind_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_status_display()}）"


@scoping.register("village_id")
class ProcedureStep(models.Model):
    procedure = models.ForeignKey(Procedure, verbose_name="程序", on_delete=models.PROTECT, related_name="steps")
    village = models.ForeignKey("areas.Area", verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField("顺序")
    step = models.CharField("环节", max_length=32)
    on = models.DateField("日期")
    signer = models.CharField("签字人", max_length=64)
    approved = models.BooleanField("通过", default=True)
    votes_total = models.PositiveSmallIntegerField("应到代表", null=True, blank=True)
    votes_present = models.PositiveSmallIntegerField("实到代表", null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField("赞成票", null=True, blank=True)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    note = models.CharField("记录/意见", max_length=500, blank=True)
    actor_username = models.CharField("录入人", max_length=150, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "程序环节"
        verbose_name_plural = "程序环节"
        ordering = ["procedure_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["procedure", "seq"], name="procedurestep_unique")]

    def __str__(self) -> str:
        return f"{self.procedure_id}#{self.seq} {self.step}"


@scoping.register("area_code")
class ImportBatch(models.Model):
    """One run of ``fupin import``: the file's hash, who ran it over which area, and what it did."""

    kind = models.CharField("类型", max_length=32)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件SHA-256", max_length=64, db_index=True)
    area_code = models.CharField("导入范围", max_length=12, db_index=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    mode = models.CharField("模式", max_length=16)
    dry_run = models.BooleanField("试导入", default=False)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_taken = models.PositiveIntegerField("导入行数", default=0)
    rows_refused = models.PositiveIntegerField("拒绝行数", default=0)
    created = models.JSONField("新增", default=dict)
    updated = models.JSONField("更新", default=dict)
    unchanged = models.PositiveIntegerField("未变行数", default=0)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.at:%Y-%m-%d %H:%M}"
