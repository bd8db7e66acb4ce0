"""The field work's enumerations: kinds of work log entries, residents' requests, leave and its states.

``models`` re-uses them; the faces import them from here, never the models."""

from __future__ import annotations

from django.db import models


class LogKind(models.TextChoices):
    """The seed's tallies of what cadres do in the village (走访、办好事实事、解决困难、化解纠纷、引进项目资金),
    and meetings."""

    VISIT = "visit", "走访农户"
    GOOD_DEED = "good_deed", "办好事实事"
    DIFFICULTY = "difficulty", "解决困难"
    DISPUTE = "dispute", "化解矛盾纠纷"
    PROJECT = "project", "引进项目资金"
    MEETING = "meeting", "会议培训"


class RequestCategory(models.TextChoices):
    POLICY = "policy", "政策咨询"
    SERVICE = "service", "业务办理"
    DISPUTE = "dispute", "纠纷调处"
    SCHOOL_MEDICAL = "school_medical", "就学就医"
    OTHER = "other", "其他"


class RequestStatus(models.TextChoices):
    OPEN = "open", "办理中"
    ANSWERED = "answered", "已答复"


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", "事假"
    SICK = "sick", "病假"
    ANNUAL = "annual", "年休假"
    WORK_TRIP = "work_trip", "为村办事外出"
    MEETING = "meeting", "参加会议培训"


# Meetings and work trips for the village count as time in the village (issue: 驻村管理 §3).
IN_VILLAGE_LEAVE = frozenset({LeaveKind.WORK_TRIP, LeaveKind.MEETING})


class LeaveStatus(models.TextChoices):
    PENDING_TOWNSHIP = "pending_township", "待乡镇党委审批"
    PENDING_COUNTY = "pending_county", "待县委组织部审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    CANCELLED = "cancelled", "已撤回"


PENDING_LEAVE = frozenset({LeaveStatus.PENDING_TOWNSHIP, LeaveStatus.PENDING_COUNTY})


class AdjustmentStatus(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已批准召回"
    REJECTED = "rejected", "不予调整"


class Grade(models.TextChoices):
    """A cadre's rating (考核等次), best first. ``RANK`` orders them (4 = 优秀 … 1 = 不称职)."""

    EXCELLENT = "优秀", "优秀"
    COMPETENT = "称职", "称职"
    BASIC = "基本称职", "基本称职"
    INCOMPETENT = "不称职", "不称职"


RANK = {Grade.EXCELLENT: 4, Grade.COMPETENT: 3, Grade.BASIC: 2, Grade.INCOMPETENT: 1}
BY_RANK = {rank: grade for grade, rank in RANK.items()}


class Severity(models.TextChoices):
    WARNING = "warning", "提醒谈话"
    CAP = "cap", "限制考核等次"
    RECALL = "recall", "召回调整"
    REFERRAL = "referral", "移送纪检监察机关"


class InspectionKind(models.TextChoices):
    UNANNOUNCED = "unannounced", "暗访"
    SPOT = "spot", "抽查"


class Rater(models.TextChoices):
    """Who rates a posted cadre (《关于加强贫困村驻村工作队选派管理工作的指导意见》: 考核由县级党委组织部牵头，
    乡镇党委、派出单位参与，听取村党组织和群众意见)."""

    SENDING_UNIT = "sending_unit", "派出单位"
    TOWNSHIP = "township", "乡镇党委"
    VILLAGE_ORG = "village_org", "村党组织"
    MASSES = "masses", "党员群众代表（群众满意度测评）"
    THIRD_PARTY = "third_party", "第三方评估"


class Period(models.TextChoices):
    Q1 = "Q1", "第一季度"
    Q2 = "Q2", "第二季度"
    Q3 = "Q3", "第三季度"
    Q4 = "Q4", "第四季度"
    YEAR = "year", "年终"


QUARTERS = (Period.Q1, Period.Q2, Period.Q3, Period.Q4)


class GuidanceKind(models.TextChoices):
    RESPONSIBILITIES = "responsibilities", "驻村工作责任清单"
    QUARTERLY = "quarterly", "季度工作指导要点"
