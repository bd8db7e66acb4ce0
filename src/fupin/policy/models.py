from __future__ import annotations

from django.db import models

from fupin.core import scoping


@scoping.exempt("province policy parameters are public rules; every user may read them, only province admins write")
class Parameter(models.Model):
    """A province's value of one policy parameter from a year on (until a later year's row)."""

    province = models.CharField("省", max_length=12, default="520000000000")
    key = models.CharField("参数", max_length=64)
    year = models.PositiveSmallIntegerField("起始年度")
    value = models.JSONField("取值")
    note = models.CharField("依据/说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["key", "year"]
        constraints = [models.UniqueConstraint(fields=["province", "key", "year"], name="parameter_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.year}={self.value}"
