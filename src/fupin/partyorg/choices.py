"""The village Party organizations' enumerations (the faces import them from here, never the models)."""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    BRANCH = "branch", "党支部"
    GENERAL_BRANCH = "general_branch", "党总支"
    COMMITTEE = "committee", "党委"


class Committee(models.TextChoices):
    BRANCH = "branch", "村党组织委员会"
    VILLAGERS = "villagers", "村民委员会"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DIRECTOR = "director", "主任"
    DEPUTY = "deputy", "副职"
    MEMBER = "member", "委员"


# Which posts each committee has; a committee has at most one head.
POSTS = {Committee.BRANCH: (Post.SECRETARY, Post.DEPUTY, Post.MEMBER),
         Committee.VILLAGERS: (Post.DIRECTOR, Post.DEPUTY, Post.MEMBER)}  # fmt: skip
HEADS = {Committee.BRANCH: Post.SECRETARY, Committee.VILLAGERS: Post.DIRECTOR}
# a seat's title as people say it
TITLES = {
    (Committee.BRANCH, Post.SECRETARY): "村党组织书记", (Committee.BRANCH, Post.DEPUTY): "村党组织副书记",
    (Committee.BRANCH, Post.MEMBER): "村党组织委员", (Committee.VILLAGERS, Post.DIRECTOR): "村委会主任",
    (Committee.VILLAGERS, Post.DEPUTY): "村委会副主任", (Committee.VILLAGERS, Post.MEMBER): "村委会委员",
}  # fmt: skip


class Source(models.TextChoices):
    """Where a secretary or a reserve comes from (the seed's categories, 16 条措施)."""

    LOCAL_CAPABLE = "local_capable", "致富能手"
    MIGRANT = "migrant", "外出务工经商返乡人员"
    GRADUATE = "graduate", "返乡大学生"
    VETERAN = "veteran", "复员退伍军人"
    DOCTOR_TEACHER = "doctor_teacher", "村医村教"
    SENT_DOWN = "sent_down", "机关单位下派"
    OTHER = "other", "其他村民"


class Education(models.TextChoices):
    PRIMARY = "primary", "小学及以下"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中、中专"
    COLLEGE = "college", "大专及以上"


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class ElectionStep(models.TextChoices):
    """换届 as dated steps, in order (``procedures.ELECTION_STEPS``)."""

    OPENED = "opened", "已启动"
    RECOMMENDED = "recommended", "已推荐"
    INSPECTED = "inspected", "已考察"
    ELECTED = "elected", "已选举"
    FILED = "filed", "已报备"
    CANCELLED = "cancelled", "已撤销"


class Grade(models.TextChoices):
    """The yearly review (述职评议) of a village secretary."""

    GOOD = "good", "好"
    FAIR = "fair", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class AdjustReason(models.TextChoices):
    INCOMPETENT = "incompetent", "不胜任"
    NEGLIGENT = "negligent", "不尽职"
    UNQUALIFIED = "unqualified", "不合格"


class AdjustStatus(models.TextChoices):
    PENDING_TOWNSHIP = "pending_township", "待乡镇党委审核"
    PENDING_COUNTY = "pending_county", "待县委组织部审批"
    APPROVED = "approved", "已调整"
    REJECTED = "rejected", "未同意"


PENDING_ADJUST = frozenset({AdjustStatus.PENDING_TOWNSHIP, AdjustStatus.PENDING_COUNTY})


class Criterion(models.TextChoices):
    """软弱涣散 criteria the system evaluates (``analytics.partyorg``); the others are entered by hand."""

    VACANCY = "vacancy", "书记长期缺职"
    NO_MEMBERS = "no_members", "连续多年未发展党员"
    SATISFACTION = "satisfaction", "群众满意度低"
    RANKING = "ranking", "评议排名末位且评价为差"
    MANUAL = "manual", "其他情形（人工认定）"
    CARRIED = "carried", "上年度整顿验收不合格"
    CLEARED = "cleared", "复查已不符合认定标准（待验收销号）"


# Reasons people (or last year's acceptance) gave, which a re-run of the identification keeps.
KEPT_REASONS = frozenset({Criterion.MANUAL, Criterion.CARRIED})


class CaseStatus(models.TextChoices):
    RECTIFYING = "rectifying", "整顿中"
    PASSED = "passed", "验收合格"
    FAILED = "failed", "验收不合格"
