"""Village Party organizations (建强组织): the organization, the people of its two committees (村两委) and its
reserve pool, elections (换届), the secretary's yearly review and adjustment, the yearly facts the 软弱涣散 rules
read, rectification cases, the organization departments' visits (遍访) and the basic guarantees (基层保障).

Every row belongs to a village (``village``, the scoping column): the township and county above it see it, the
organization departments change it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from fupin.core import scoping

from .choices import (
    TITLES,
    AdjustReason,
    AdjustStatus,
    CaseStatus,
    Committee,
    Education,
    ElectionStep,
    Gender,
    Grade,
    OrgKind,
    Post,
    Source,
)


def _village(related: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name=related)


def _by() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip


@scoping.register("village_id")
class PartyOrg(models.Model):
    """The village's Party organization: a branch, a general branch (≥50 members) or a committee (≥100)."""

    village = models.OneToOneField("areas.Area", verbose_name="村", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("组织类型", max_length=16, choices=OrgKind.choices, default=OrgKind.BRANCH)
    members = models.PositiveIntegerField("党员人数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "村党组织"

    def __str__(self) -> str:
        return f"{self.village_id} {self.get_kind_display()}"


@scoping.register("village_id")
class VillageCadre(models.Model):
    """A person of the village's two committees or of its reserve pool (后备力量); one village at a time."""

    ref = models.CharField("人员编号", max_length=24, unique=True)
    village = _village()
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField("出生年份")
    education = models.CharField("文化程度", max_length=16, choices=Education.choices)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    # blank when not yet recorded; the 优亲厚友 checks join the committees to the registry and the hukou on it
    id_number = models.CharField("身份证号", max_length=18, blank=True, default="")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "村干部及后备人选"
        indexes = [models.Index(fields=["village", "name"], name="villagecadre_village_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="villagecadre_id_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


@scoping.register("village_id")
class Election(models.Model):
    """One village's 换届: its dated steps (推荐 → 考察 → 选举 → 报备) and the seats to fill."""

    village = _village()
    round = models.PositiveSmallIntegerField("届次")
    step = models.CharField("进度", max_length=16, choices=ElectionStep.choices, default=ElectionStep.OPENED)
    branch_seats = models.PositiveSmallIntegerField("村党组织委员职数")
    villagers_seats = models.PositiveSmallIntegerField("村民委员会成员职数")
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    inspected_on = models.DateField("考察日期", null=True, blank=True)
    elected_on = models.DateField("选举日期", null=True, blank=True)
    filed_on = models.DateField("报备日期", null=True, blank=True)
    created_by = _by()
    created_at = models.DateTimeField("启动时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "村两委换届"
        constraints = [  # one election of a round per village, a withdrawn one aside
            models.UniqueConstraint(fields=["village", "round"], condition=~models.Q(step="cancelled"),
                                    name="election_village_round")
        ]  # fmt: skip
        ordering = ["-round"]

    def __str__(self) -> str:
        return f"第{self.round}届"


@scoping.register("village_id")
class Seat(models.Model):
    """A post held on one of the two committees from ``start`` to ``end`` (open = still held): the history of the
    两委. 一肩挑 is the same person holding the secretary's and the director's seats at once."""

    person = models.ForeignKey(VillageCadre, verbose_name="人员", on_delete=models.PROTECT, related_name="seats")
    village = _village()
    committee = models.CharField("组织", max_length=16, choices=Committee.choices)
    post = models.CharField("职务", max_length=16, choices=Post.choices)
    start = models.DateField("任职日期")
    end = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=100, blank=True)
    election = models.ForeignKey(
        Election, verbose_name="换届", null=True, blank=True, on_delete=models.PROTECT, related_name="seats"
    )
    new = models.BooleanField("新任", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "两委任职"
        indexes = [
            models.Index(fields=["village", "committee", "post"], name="seat_village_post"),
            models.Index(fields=["person", "end"], name="seat_person_end"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """村党组织书记, 村委会副主任 …"""
        return TITLES.get(
            (Committee(self.committee), Post(self.post)), f"{self.get_committee_display()}{self.get_post_display()}"
        )


@scoping.register("village_id")
class Reserve(models.Model):
    """A person in the village's reserve pool (后备力量); ``promoted`` once they take a seat."""

    person = models.ForeignKey(VillageCadre, verbose_name="人员", on_delete=models.PROTECT, related_name="reserves")
    village = _village()
    added = models.DateField("纳入日期")
    promoted = models.DateField("选任日期", null=True, blank=True)
    removed = models.DateField("移出日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后备力量"

    def __str__(self) -> str:
        return str(self.person_id)


@scoping.register("village_id")
class OrgYear(models.Model):
    """The organization's facts of a year the 软弱涣散 rules read: members newly developed, villagers' satisfaction."""

    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    new_members = models.PositiveSmallIntegerField("发展党员数", default=0)
    satisfaction = models.DecimalField("群众满意度(%)", max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "村党组织年度情况"
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="orgyear_village_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"


@scoping.register("village_id")
class Review(models.Model):
    """The yearly review (述职评议, 排查研判) of the village's secretary, with the township's ranking."""

    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    person = models.ForeignKey(VillageCadre, verbose_name="书记", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField("评议等次", max_length=16, choices=Grade.choices)
    township_rank = models.PositiveSmallIntegerField("乡镇排名", null=True, blank=True)
    township_size = models.PositiveSmallIntegerField("参评村数", null=True, blank=True)
    findings = models.TextField("研判意见", max_length=2000, blank=True)
    by = _by()
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "村党组织书记评议"
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="review_village_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.get_grade_display()}"


@scoping.register("village_id")
class SecretaryAdjustment(models.Model):
    """A proposal to replace a secretary found 不胜任/不尽职/不合格: the township agrees, the county's organization
    department approves and names the replacement from the reserve pool."""

    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    person = models.ForeignKey(VillageCadre, verbose_name="书记", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("调整原因", max_length=16, choices=AdjustReason.choices)
    evidence = models.TextField("研判依据", max_length=2000)
    status = models.CharField(
        "状态", max_length=20, choices=AdjustStatus.choices, default=AdjustStatus.PENDING_TOWNSHIP
    )
    replacement = models.ForeignKey(
        VillageCadre, verbose_name="接任人选", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.CharField("提出人", max_length=150, blank=True)
    township_by = models.CharField("乡镇审核人", max_length=150, blank=True)
    county_by = models.CharField("县级审批人", max_length=150, blank=True)
    township_note = models.CharField("乡镇审核意见", max_length=200, blank=True)
    note = models.CharField("县级审批意见", max_length=200, blank=True)
    decided_on = models.DateField("调整日期", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "村党组织书记调整"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["village", "year"], name="secadjust_village_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.get_reason_display()}"


@scoping.register("village_id")
class WeakCase(models.Model):
    """A village on the year's 软弱涣散 list and its rectification (整顿): the criteria hit, measures, the responsible
    leader, the first secretary's part, the deadline, progress notes and the acceptance (验收)."""

    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    reasons = models.JSONField("认定情形", default=list)  # [{"criterion": …, "detail": …}]
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECTIFYING)
    measures = models.TextField("整顿措施", max_length=4000, blank=True)
    leader = models.CharField("联系领导", max_length=60, blank=True)
    first_secretary_part = models.TextField("第一书记职责", max_length=2000, blank=True)
    deadline = models.DateField("整顿时限", null=True, blank=True)
    progress = models.JSONField("整顿进展", default=list)  # [{"date": …, "note": …, "by": …}]
    score = models.DecimalField("验收得分", max_digits=5, decimal_places=1, null=True, blank=True)
    surveyed = models.PositiveSmallIntegerField("测评人数", null=True, blank=True)
    dissatisfied = models.PositiveSmallIntegerField("不满意人数", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    created_at = models.DateTimeField("认定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散村整顿"
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="weakcase_village_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"


@scoping.register("area_code")
class IdentifyRun(models.Model):
    """One run of the year's 软弱涣散 identification over an area: when, by whom, how many judged and listed (the
    list page says so even when nobody was listed)."""

    area_code = models.CharField("区划代码", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    organizations = models.PositiveIntegerField("排查村党组织数")
    weak = models.PositiveIntegerField("认定数")
    by = _by()
    at = models.DateTimeField("排查时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散排查记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["area_code", "year"], name="identifyrun_area_year")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}"


@scoping.register("village_id")
class Visit(models.Model):
    """遍访: an organization department leader's visit to a village, with the analysis of 两委一队三个人."""

    village = _village()
    date = models.DateField("走访日期")
    visitor = models.CharField("走访领导", max_length=60)
    visitor_title = models.CharField("职务", max_length=60)
    committees = models.TextField("村两委班子分析", max_length=2000)
    team = models.TextField("驻村工作队分析", max_length=2000)
    three_people = models.TextField("书记、主任、第一书记分析", max_length=2000)
    by = _by()
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "遍访记录"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.visitor}"


@scoping.register("village_id")
class Guarantee(models.Model):
    """基层保障 of a year: the secretary's remuneration and the organization's office funds, paid or not."""

    village = _village()
    year = models.PositiveSmallIntegerField("年度")
    secretary_pay = models.DecimalField("书记报酬(元/年)", max_digits=10, decimal_places=2)
    pay_paid = models.BooleanField("报酬已发放", default=False)
    office_funds = models.DecimalField("办公经费(万元/年)", max_digits=8, decimal_places=2)
    funds_paid = models.BooleanField("经费已拨付", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "基层保障"
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="guarantee_village_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"
