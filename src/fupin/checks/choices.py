"""The checks' enumerations (the workflow statuses of a finding).

``models`` re-uses them; the faces import them from here, never the models."""

from __future__ import annotations

from django.db import models


class FindingStatus(models.TextChoices):
    OPEN = "open", "待分派"
    ASSIGNED = "assigned", "已分派至村"
    VERIFIED = "verified", "已入户核实"
    CONFIRMED = "confirmed", "确认问题"
    DISMISSED = "dismissed", "排除(有理由)"
    RECTIFIED = "rectified", "已整改"
