"""The registry's enumerations (household attributes, causes, statuses, relations, procedures).

``models`` re-uses them; the faces import them from here, never the models."""

from __future__ import annotations

from django.db import models


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
    CANDIDATE = "candidate", "识别中"
    POOR = "poor", "未脱贫"
    EXITED = "exited", "已脱贫"
    RETURNED = "returned", "返贫"
    CANCELLED = "cancelled", "已注销"
    REJECTED = "rejected", "未通过识别"


class MonitoringGroup(models.TextChoices):
    UNSTABLE = "脱贫不稳定户", "脱贫不稳定户"
    MARGINAL = "边缘易致贫户", "边缘易致贫户"
    SUDDEN = "突发严重困难户", "突发严重困难户"


class Relation(models.TextChoices):
    HEAD = "户主", "户主"
    SPOUSE = "配偶", "配偶"
    CHILD = "子女", "子女"
    PARENT = "父母", "父母"
    GRANDCHILD = "孙子女", "孙子女"
    GRANDPARENT = "祖父母", "祖父母"
    SIBLING = "兄弟姐妹", "兄弟姐妹"
    CHILD_IN_LAW = "儿媳/女婿", "儿媳/女婿"
    OTHER = "其他", "其他"


class SchoolStage(models.TextChoices):
    """在校阶段 (blank: not in school)."""

    PRESCHOOL = "学前教育", "学前教育"
    PRIMARY = "小学", "小学"
    JUNIOR = "初中", "初中"
    SENIOR = "高中", "高中"
    VOCATIONAL = "中职", "中职"
    HIGHER = "高等教育", "高职、大专及以上"


class ProcedureKind(models.TextChoices):
    IDENTIFICATION = "identification", "贫困识别"
    EXIT = "exit", "脱贫退出"
    RETURN = "return", "返贫认定"
    MONITORING = "monitoring", "防返贫监测"
    CANCELLATION = "cancellation", "注销"
    ELIMINATION = "elimination", "监测风险消除"


# started from a monitoring case (fupin.monitoring), never from the household's page alone
STARTED_ELSEWHERE = frozenset({ProcedureKind.MONITORING, ProcedureKind.ELIMINATION})


class ProcedureStatus(models.TextChoices):
    OPEN = "open", "进行中"
    COMPLETED = "completed", "已完成"
    REFUSED = "refused", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"
