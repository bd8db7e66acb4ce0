"""Other departments' tables for the big-data comparison (大数据比对), joined to the registry on ID numbers.

Each kind is a snapshot: a load replaces that kind's rows as a whole (with the file's hash in the audit log).
These rows are read only by the check engine — users see them only as the evidence of findings, which are scoped
by the household's village — so they carry no area of their own.
"""

from __future__ import annotations

from django.db import models

from fupin.core import scoping

REASON = "other departments' snapshots, read only by the check engine; users see them only through scoped findings"


@scoping.exempt(REASON)
class Vehicle(models.Model):
    owner_id = models.CharField("车主身份证号", max_length=18)
    plate = models.CharField("号牌", max_length=16)
    vehicle_type = models.CharField("车辆类型", max_length=16)
    value_yuan = models.BigIntegerField("价值(元)")
    registered_on = models.DateField("登记日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "车辆(公安交管)"
        indexes = [models.Index(fields=["owner_id"], name="vehicle_owner")]

    def __str__(self) -> str:
        return self.plate


@scoping.exempt(REASON)
class RealEstate(models.Model):
    owner_id = models.CharField("权利人身份证号", max_length=18)
    county_code = models.CharField("所在县", max_length=12, blank=True)
    kind = models.CharField("房屋类型", max_length=16)
    location = models.CharField("坐落", max_length=100, blank=True)
    floor_area_m2 = models.FloatField("建筑面积(㎡)", null=True, blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "不动产(住建/不动产登记)"
        indexes = [models.Index(fields=["owner_id"], name="realestate_owner")]

    def __str__(self) -> str:
        return f"{self.kind} {self.location}"


@scoping.exempt(REASON)
class Business(models.Model):
    legal_rep_id = models.CharField("法定代表人身份证号", max_length=18)
    name = models.CharField("名称", max_length=100)
    status = models.CharField("登记状态", max_length=16)
    registered_capital = models.FloatField("注册资本(万元)", null=True, blank=True)
    registered_on = models.DateField("成立日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "市场主体(市场监管)"
        indexes = [models.Index(fields=["legal_rep_id"], name="business_rep")]

    def __str__(self) -> str:
        return self.name


@scoping.exempt(REASON)
class StatePayroll(models.Model):
    person_id = models.CharField("身份证号", max_length=18)
    employer = models.CharField("工作单位", max_length=100)
    monthly_pay = models.FloatField("月工资", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "财政供养人员(财政/编办/人社)"
        indexes = [models.Index(fields=["person_id"], name="payroll_person")]

    def __str__(self) -> str:
        return self.employer


@scoping.exempt(REASON)
class Death(models.Model):
    person_id = models.CharField("身份证号", max_length=18)
    death_date = models.DateField("死亡日期")

    class Meta:
        verbose_name = verbose_name_plural = "死亡人员(公安户籍/民政)"
        indexes = [models.Index(fields=["person_id"], name="death_person")]

    def __str__(self) -> str:
        return f"{self.death_date}"


@scoping.exempt(REASON)
class Hukou(models.Model):
    person_id = models.CharField("身份证号", max_length=18)
    household_id = models.CharField("户号", max_length=24, blank=True)
    village_code = models.CharField("户籍地村代码", max_length=12, blank=True)
    status = models.CharField("户籍状态", max_length=16)

    class Meta:
        verbose_name = verbose_name_plural = "户籍人口(公安户籍)"
        # the 优亲厚友 check reads the hukou households of the village cadres (partyorg.tables) by 户号
        indexes = [models.Index(fields=["person_id"], name="hukou_person"),
                   models.Index(fields=["household_id"], name="hukou_household")]  # fmt: skip

    def __str__(self) -> str:
        return self.status


@scoping.register("village_id")
class SurveyHousehold(models.Model):
    """A non-registered household visited by a sample survey (third-party evaluation): the 漏评 check reads it."""

    household_id = models.CharField("调查户编号", max_length=24, unique=True)
    village = models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveSmallIntegerField("人口")
    income_per_capita = models.FloatField("人均纯收入")
    housing_grade = models.CharField("住房等级", max_length=1, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽样调查户"

    def __str__(self) -> str:
        return self.household_id


@scoping.exempt(REASON)
class SchoolEnrolment(models.Model):
    """A pupil's or student's record for one school year (教育部门学籍): the 义务教育 comparison reads it."""

    person_id = models.CharField("身份证号", max_length=18)
    school = models.CharField("学校", max_length=100, blank=True)
    stage = models.CharField("学段", max_length=8)  # 学前教育 / 小学 / 初中 / 高中 / 中职 / 高等教育
    year = models.PositiveSmallIntegerField("学年(起始年)")
    status = models.CharField("学籍状态", max_length=8)  # 在读 / 休学 / 辍学 / 毕业

    class Meta:
        verbose_name = verbose_name_plural = "学籍(教育)"
        indexes = [models.Index(fields=["person_id"], name="enrolment_person")]

    def __str__(self) -> str:
        return f"{self.year} {self.stage} {self.status}"


@scoping.exempt(REASON)
class MedicalInsured(models.Model):
    """One insured person for one year (医保部门参保人员)."""

    person_id = models.CharField("身份证号", max_length=18)
    year = models.PositiveSmallIntegerField("参保年度")
    basic = models.BooleanField("基本医疗保险", default=False)
    critical = models.BooleanField("大病保险", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "参保人员(医保)"
        indexes = [models.Index(fields=["person_id"], name="insured_person")]

    def __str__(self) -> str:
        return f"{self.year}"


@scoping.exempt(REASON)
class HousingAppraisal(models.Model):
    """A rural house's safety appraisal (住建部门危房鉴定), by the household head's ID number."""

    owner_id = models.CharField("户主身份证号", max_length=18)
    village_code = models.CharField("村代码", max_length=12, blank=True)
    grade = models.CharField("鉴定等级", max_length=1)  # A–D
    appraised_on = models.DateField("鉴定日期")
    renovated = models.BooleanField("已改造", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "危房鉴定(住建)"
        indexes = [models.Index(fields=["owner_id"], name="appraisal_owner")]

    def __str__(self) -> str:
        return f"{self.grade} {self.appraised_on}"


@scoping.exempt(REASON)
class Assistance(models.Model):
    """A person's 低保 or 特困供养 entitlement (民政部门), from ``since`` until ``ended`` (null: still in force)."""

    person_id = models.CharField("身份证号", max_length=18)
    kind = models.CharField("救助类别", max_length=8)  # 低保 / 特困供养
    since = models.DateField("起始日期")
    ended = models.DateField("终止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "低保/特困人员(民政)"
        indexes = [models.Index(fields=["person_id"], name="assistance_person")]

    def __str__(self) -> str:
        return self.kind


@scoping.exempt(REASON)
class DisabilityCertificate(models.Model):
    """A disability certificate (残联残疾人证)."""

    person_id = models.CharField("身份证号", max_length=18)
    category = models.CharField("残疾类别", max_length=4)  # 视力/听力/言语/肢体/智力/精神/多重
    grade = models.CharField("残疾等级", max_length=4)  # 一级..四级

    class Meta:
        verbose_name = verbose_name_plural = "残疾人证(残联)"
        indexes = [models.Index(fields=["person_id"], name="disability_person")]

    def __str__(self) -> str:
        return f"{self.category}{self.grade}"


@scoping.exempt(REASON)
class RiskAlert(models.Model):
    """A department's alert of a risk to a person (部门筛查预警: 医保 large medical bills, 教育 dropouts, 民政
    applications for assistance, 应急 disasters, 残联 new disabilities, 公安交管 accidents). The monitoring run
    matches it to the registry by ID number and merges it into the household's case; ``detail`` and ``amount`` are
    private and never shown on a notice."""

    alert_no = models.CharField("预警编号", max_length=40)
    department = models.CharField("预警部门", max_length=32)
    kind = models.CharField("预警类别", max_length=16)  # a label of analytics.monitoring.ALERT_KINDS
    person_id = models.CharField("身份证号", max_length=18)
    occurred_on = models.DateField("发生日期")
    amount = models.FloatField("金额(元)", null=True, blank=True)
    detail = models.CharField("情况说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门预警信息"
        indexes = [models.Index(fields=["person_id"], name="riskalert_person")]

    def __str__(self) -> str:
        return f"{self.department} {self.alert_no}"
