"""Return-to-poverty monitoring's enumerations: the channels a case comes from, its states, the kinds of help.

``models`` re-uses them; the faces import them from here, never the models."""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    """The three channels of 《关于建立防止返贫监测和帮扶机制的指导意见》(2020)."""

    SELF_REPORT = "self_report", "农户自主申报"
    VISIT = "visit", "干部走访排查"
    DEPARTMENT = "department", "部门筛查预警"


class CaseStatus(models.TextChoices):
    IDENTIFYING = "identifying", "识别中"
    MONITORED = "monitored", "监测帮扶中"
    ELIMINATED = "eliminated", "风险已消除"
    NOT_INCLUDED = "not_included", "未纳入监测"


OPEN_STATUSES = frozenset({CaseStatus.IDENTIFYING, CaseStatus.MONITORED})


class RiskType(models.TextChoices):
    """The main risk (风险类型) a case names; a notice shows only this, never the details behind it."""

    ILLNESS = "illness", "因病"
    DISABILITY = "disability", "因残"
    SCHOOLING = "schooling", "因学"
    DISASTER = "disaster", "因灾"
    ACCIDENT = "accident", "因意外事故"
    INCOME = "income", "因收入骤减或支出骤增"
    EMPLOYMENT = "employment", "因务工就业不稳"
    INDUSTRY = "industry", "因产业项目失败"
    OTHER = "other", "其他"


# the risk a department alert's kind signals (analytics.monitoring.ALERT_KINDS)
RISK_OF_ALERT = {
    "medical": RiskType.ILLNESS,
    "dropout": RiskType.SCHOOLING,
    "assistance": RiskType.INCOME,
    "disaster": RiskType.DISASTER,
    "disability": RiskType.DISABILITY,
    "accident": RiskType.ACCIDENT,
}


class MeasureKind(models.TextChoices):
    INDUSTRY = "industry", "产业帮扶"
    EMPLOYMENT = "employment", "就业帮扶"
    EDUCATION = "education", "教育帮扶"
    HEALTH = "health", "健康帮扶"
    HOUSING = "housing", "住房安全保障"
    ASSISTANCE = "assistance", "社会救助兜底"
    INSURANCE = "insurance", "防贫保险"
    OTHER = "other", "其他"
