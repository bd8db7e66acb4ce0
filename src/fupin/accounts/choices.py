"""Roles and departments: who a user is. What each may do is the table in ``fupin.accounts.permissions``."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    PREFECTURE_OFFICER = "prefecture_officer", "市(州)级干部"
    COUNTY_OFFICER = "county_officer", "县级干部"
    TOWNSHIP_OFFICER = "township_officer", "乡镇干部"
    FIRST_SECRETARY = "first_secretary", "第一书记(驻村)"
    RESIDENT_CADRE = "resident_cadre", "驻村工作队员"
    VILLAGE_COMMITTEE = "village_committee", "村两委干部"
    HELPING_UNIT = "helping_unit", "帮扶单位联络员"
    INSPECTOR = "inspector", "督查审计员(只读)"


class Department(models.TextChoices):
    """The departments of a level's officers (a province administrator works for the poverty office)."""

    POVERTY = "poverty", "扶贫办"
    ORGANIZATION = "organization", "组织部"
    DISCIPLINE = "discipline", "纪委监委"
    FINANCE = "finance", "财政·农业农村"


# Officers work in a department at their level; the other roles act for a village, a unit or as inspectors.
OFFICER_ROLES = frozenset({Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER})
VILLAGE_ROLES = frozenset({Role.FIRST_SECRETARY, Role.RESIDENT_CADRE, Role.VILLAGE_COMMITTEE})
