"""The cadres' enumerations (cadre types, posting roles and statuses, benefit kinds).

``models`` re-uses them; the faces import them from here, never the models."""

from __future__ import annotations

from django.db import models


class CadreType(models.TextChoices):
    PARTY = "党群", "党群"
    LAW = "政法", "政法"
    ECONOMY = "经济", "经济"
    AGRICULTURE = "农业", "农业"
    TECHNOLOGY = "科技", "科技"


class PostingRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", "第一书记"
    RESIDENT_CADRE = "resident_cadre", "驻村干部"
    TEAM_LEADER = "team_leader", "工作队队长"
    # temporary posts above the village (挂职): province cadres in poor counties, prefecture cadres in extremely
    # poor townships; their posting's area is the county or the township
    DEPUTY_COUNTY_SECRETARY = "deputy_county_secretary", "挂职县委副书记"
    DEPUTY_COUNTY_HEAD = "deputy_county_head", "挂职副县长"
    DEPUTY_TOWNSHIP_HEAD = "deputy_township_head", "挂职副乡（镇）长"


VILLAGE_ROLES = (PostingRole.FIRST_SECRETARY, PostingRole.RESIDENT_CADRE, PostingRole.TEAM_LEADER)
# the level of area each temporary post serves (codes.COUNTY = 3, codes.TOWNSHIP = 4)
TEMPORARY_ROLES = {PostingRole.DEPUTY_COUNTY_SECRETARY: 3, PostingRole.DEPUTY_COUNTY_HEAD: 3,
                   PostingRole.DEPUTY_TOWNSHIP_HEAD: 4}  # fmt: skip


class PostingStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    ENDED = "ended", "期满轮换"
    RECALLED = "recalled", "召回"


class BenefitKind(models.TextChoices):
    LIVING_SUBSIDY = "living_subsidy", "生活补助"
    INSURANCE = "insurance", "意外伤害保险"
    TRAVEL = "travel", "交通差旅"
    HEALTH_CHECK = "health_check", "健康体检"
    WORK_FUNDS = "work_funds", "工作经费"
