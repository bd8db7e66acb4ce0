"""One background job: what it does, for whom and where, how far it got, and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fupin.core import scoping

from .choices import JobStatus


@scoping.register("area_code")
class Job(models.Model):
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("任务", max_length=120)
    area_code = models.CharField("区划", max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField("进度说明", max_length=120, blank=True)
    done = models.BigIntegerField("已完成", null=True, blank=True)
    total = models.BigIntegerField("总数", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    worker = models.CharField("工作进程", max_length=100, blank=True)
    rerun_of = models.ForeignKey(
        "self", verbose_name="重新运行自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "kind"], name="job_status_kind"),
            models.Index(fields=["area_code", "id"], name="job_area_id"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"
