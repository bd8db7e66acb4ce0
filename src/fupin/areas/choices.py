"""The areas' enumerations (levels, kinds of unit, yearly classifications).

``models`` re-uses them; the faces import them from here, never the models."""

from __future__ import annotations

from django.db import models

from fupin.core import codes


class Level(models.IntegerChoices):
    PROVINCE = codes.PROVINCE, "省"
    PREFECTURE = codes.PREFECTURE, "市(州)"
    COUNTY = codes.COUNTY, "县(市、区)"
    TOWNSHIP = codes.TOWNSHIP, "乡(镇、街道)"
    VILLAGE = codes.VILLAGE, "村(社区)"


class Kind(models.TextChoices):
    PROVINCE = "province", "省"
    PREFECTURE = "prefecture", "地级市"
    AUTONOMOUS_PREFECTURE = "autonomous_prefecture", "自治州"
    COUNTY = "county", "县"
    AUTONOMOUS_COUNTY = "autonomous_county", "自治县"
    DISTRICT = "district", "市辖区"
    COUNTY_CITY = "county_city", "县级市"
    SPECIAL_DISTRICT = "special_district", "特区"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    ETHNIC_TOWNSHIP = "ethnic_township", "民族乡"
    SUBDISTRICT = "subdistrict", "街道"
    VILLAGE = "village", "村(村委会)"
    COMMUNITY = "community", "社区(居委会)"
    OTHER = "other", "其他"


class Classification(models.TextChoices):
    POOR_COUNTY = "poor_county", "贫困县"
    DEEP_POVERTY_COUNTY = "deep_poverty_county", "深度贫困县"
    EXTREMELY_POOR_TOWNSHIP = "extremely_poor_township", "极贫乡镇"
    POOR_VILLAGE = "poor_village", "贫困村"
    DEEP_POVERTY_VILLAGE = "deep_poverty_village", "深度贫困村"
    WEAK_VILLAGE = "weak_village", "软弱涣散村"
    DISORDERLY_VILLAGE = "disorderly_village", "乱村(社会治安问题突出)"
    INDUSTRY_VILLAGE = "industry_village", "产业村"
    SPECIALISED_VILLAGE = "specialised_village", "专业村"
