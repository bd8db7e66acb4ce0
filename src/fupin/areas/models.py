from __future__ import annotations

from django.db import models

from fupin.core import codes, scoping

from .choices import Classification, Kind, Level


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
