from __future__ import annotations

from django.db import models

from fupin.core import codes, scoping


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


@scoping.register("code")
class Area(models.Model):
    """One unit of the division tree; the 12-digit code is the key and carries the ancestry."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="area_parent_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("area-detail", args=[self.code])

    @property
    def prefix(self) -> str:
        return codes.prefix(self.code, self.level)

    @property
    def code_range(self) -> tuple[str, str]:
        return codes.code_range(self.code, self.level)

    @property
    def is_rural_village(self) -> bool:
        return self.kind == Kind.VILLAGE


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


# Which level each classification applies to.
CLASSIFICATION_LEVEL: dict[str, int] = {
    Classification.POOR_COUNTY: codes.COUNTY,
    Classification.DEEP_POVERTY_COUNTY: codes.COUNTY,
    Classification.EXTREMELY_POOR_TOWNSHIP: codes.TOWNSHIP,
    Classification.POOR_VILLAGE: codes.VILLAGE,
    Classification.DEEP_POVERTY_VILLAGE: codes.VILLAGE,
    Classification.WEAK_VILLAGE: codes.VILLAGE,
    Classification.DISORDERLY_VILLAGE: codes.VILLAGE,
    Classification.INDUSTRY_VILLAGE: codes.VILLAGE,
    Classification.SPECIALISED_VILLAGE: codes.VILLAGE,
}


@scoping.register("area_id")
class AreaClassification(models.Model):
    """A classification of an area held for one year (e.g. 2017: 深度贫困县)."""

    area = models.ForeignKey(Area, verbose_name="区划", on_delete=models.PROTECT, related_name="classifications")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类别", max_length=32, choices=Classification.choices)
    note = models.CharField("依据/备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "区划分类"
        verbose_name_plural = "区划分类"
        ordering = ["year", "area_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "kind"], name="areaclassification_unique"),
        ]
        indexes = [models.Index(fields=["year", "kind", "area"], name="areaclass_year_kind")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.area_id}"
