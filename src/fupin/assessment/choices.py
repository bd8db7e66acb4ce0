"""The assessment's enumerations; ``models`` re-uses them, the faces import them from here."""

from __future__ import annotations

from django.db import models

from fupin.core import codes


class Assessed(models.TextChoices):
    """Who a scheme assesses, chosen by rule under the assessing area (下考两级: 市(州)考核极贫乡镇，县考核深度贫困
    村)."""

    POOR_COUNTIES = "poor_counties", "贫困县"
    COUNTIES = "counties", "全部县(市、区)"
    EXTREMELY_POOR_TOWNSHIPS = "extremely_poor_townships", "极贫乡镇"
    TOWNSHIPS = "townships", "全部乡(镇)"
    DEEP_POVERTY_VILLAGES = "deep_poverty_villages", "深度贫困村"
    POOR_VILLAGES = "poor_villages", "贫困村"


# The level each set lives at and, where the set is a classification, which (areas.choices.Classification).
ASSESSED_LEVEL = {
    Assessed.POOR_COUNTIES: codes.COUNTY,
    Assessed.COUNTIES: codes.COUNTY,
    Assessed.EXTREMELY_POOR_TOWNSHIPS: codes.TOWNSHIP,
    Assessed.TOWNSHIPS: codes.TOWNSHIP,
    Assessed.DEEP_POVERTY_VILLAGES: codes.VILLAGE,
    Assessed.POOR_VILLAGES: codes.VILLAGE,
}
ASSESSED_CLASSIFICATION = {
    Assessed.POOR_COUNTIES: "poor_county",
    Assessed.EXTREMELY_POOR_TOWNSHIPS: "extremely_poor_township",
    Assessed.DEEP_POVERTY_VILLAGES: "deep_poverty_village",
    Assessed.POOR_VILLAGES: "poor_village",
}


class Consequence(models.TextChoices):
    """What the bottom of a ranking faces (the scheme names it)."""

    INTERVIEW = "interview", "约谈党政主要负责人"
    SELF_CRITICISM = "self_criticism", "主要负责人公开检讨"
    NOTICE = "notice", "通报批评"
    NO_HONOURS = "no_honours", "取消年度评优评先资格"


class Method(models.TextChoices):
    """How an indicator's value becomes a score of 0–100 (the rule is ``analytics.assessment.score``)."""

    RELATIVE = "relative", "极差法（最好者满分、最差者零分，其余按差距折算）"
    TARGET = "target", "达标法（达到目标值满分，未达到按比例折算）"
    DEDUCT = "deduct", "扣分法（满分 100，每单位扣若干分）"


class Source(models.TextChoices):
    """Where an indicator's value comes from: fupin's own data for the assessed area and year, or entered scores."""

    INCIDENCE = "incidence", "贫困发生率(%)"
    INCIDENCE_FALL = "incidence_fall", "贫困发生率下降(百分点)"
    POOR_FALL = "poor_fall", "贫困人口减少比例(%)"
    EXIT_SHARE = "exit_share", "当年脱贫人口占上年末贫困人口比例(%)"
    FINDINGS_OPEN = "findings_open", "核查发现未办结比例(%)"
    WRONG_EXIT_RATE = "wrong_exit_rate", "错退率(%)"
    MISSED_RATE = "missed_rate", "漏评率(%)"
    CADRES_GOOD = "cadres_good", "驻村干部年度考核称职以上比例(%)"
    VIOLATIONS = "violations", "驻村干部违反负面清单(起)"
    WEAK_VILLAGES = "weak_villages", "软弱涣散村党组织(个)"
    DEBRIEFING = "debriefing", "党委书记述职评议得分"
    ENTERED = "entered", "录入评分（现场观摩、群众测评等）"


# Whether a larger value is better, for the computed sources (an entered indicator says so itself).
HIGHER_BETTER = {
    Source.INCIDENCE: False,
    Source.INCIDENCE_FALL: True,
    Source.POOR_FALL: True,
    Source.EXIT_SHARE: True,
    Source.FINDINGS_OPEN: False,
    Source.WRONG_EXIT_RATE: False,
    Source.MISSED_RATE: False,
    Source.CADRES_GOOD: True,
    Source.VIOLATIONS: False,
    Source.WEAK_VILLAGES: False,
    Source.DEBRIEFING: True,
}


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "制定中"
    RUN = "run", "已考核"


class CaseKind(models.TextChoices):
    INTERVIEW = "interview", "约谈"
    ACCOUNTABILITY = "accountability", "问责"


class Accountability(models.TextChoices):
    """The kinds of 问责 (《中国共产党问责条例》第八条: 对党员领导干部的问责方式)."""

    ADMONITION = "admonition", "诫勉"
    CRITICISM = "criticism", "通报批评"
    ORGANIZATIONAL = "organizational", "组织调整或组织处理"
    DISCIPLINE = "discipline", "移送纪检监察机关"


class Problem(models.TextChoices):
    """What a case is about: the assessment's own grounds, and the kinds of 扶贫领域腐败和不正之风 the fifth
    special governance pursues (中央纪委国家监委扶贫领域腐败和作风问题专项治理)."""

    RANKING = "ranking", "考核排名靠后"
    RESULTS = "results", "帮扶成效差"
    IDENTIFICATION = "identification", "识别退出不精准"
    FAVOURITISM = "favouritism", "优亲厚友"
    EXTORTION = "extortion", "吃拿卡要"
    FALSE_CLAIMS = "false_claims", "虚报冒领"
    EMBEZZLEMENT = "embezzlement", "截留挪用"
    STYLE = "style", "形式主义、官僚主义"
    OTHER = "other", "其他"


class Lead(models.TextChoices):
    """Where a case came from (问题线索来源)."""

    ASSESSMENT = "assessment", "考核结果"
    FINDING = "finding", "核查发现"
    COMPLAINT = "complaint", "信访举报"
    SUPERVISION = "supervision", "监督检查"


class CaseStatus(models.TextChoices):
    OPEN = "open", "待制定整改措施"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已销号"
    EXEMPTED = "exempted", "容错免责"


class EvidenceKind(models.TextChoices):
    RESULT = "result", "考核排名"
    FINDING = "finding", "核查发现"
    VIOLATION = "violation", "违反负面清单"
    UNIT_GRADE = "unit_grade", "帮扶单位年度等次"
    OTHER = "other", "其他"


class LeaderPost(models.TextChoices):
    PARTY_SECRETARY = "party_secretary", "党委书记"
    GOVERNMENT_HEAD = "government_head", "政府主要负责人"
    MEMBER = "member", "领导班子成员"


HEAD_POSTS = frozenset({LeaderPost.PARTY_SECRETARY, LeaderPost.GOVERNMENT_HEAD})


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "待省委组织部审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予批准"


class ContactKind(models.TextChoices):
    """包保: a provincial leader's 定点包干 of an extremely poor township, or a leader's contact point (联系点)."""

    CHARGE = "charge", "定点包干"
    CONTACT = "contact", "联系点"


class Step(models.TextChoices):
    """The five-step method (五步工作法): every campaign's tasks fall under one of them."""

    POLICY = "policy", "政策设计"
    DEPLOYMENT = "deployment", "工作部署"
    TRAINING = "training", "干部培训"
    SUPERVISION = "supervision", "监督检查"
    ACCOUNTABILITY = "accountability", "追责问责"
