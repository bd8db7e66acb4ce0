"""What devices send (ODK Collect through OpenRosa; later the offline web app's outbox), each kept once by the id
the device gave it, accepted or refused with the reason — never dropped."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fupin.core import scoping


class Channel(models.TextChoices):
    ODK = "odk", "ODK Collect"
    OFFLINE = "offline", "离线网页"


class Outcome(models.TextChoices):
    RECEIVING = "receiving", "处理中"
    ACCEPTED = "accepted", "已受理"
    REFUSED = "refused", "被退回"


@scoping.register("area_code")
class Submission(models.Model):
    """One submission from a device. ``client_id`` is the device's own id for it (ODK's ``instanceID``): the same
    id sent again is answered from here and changes nothing."""

    client_id = models.CharField("提交编号", max_length=100, unique=True)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    form_id = models.CharField("表单", max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="submissions"
    )
    area_code = models.CharField("提交人所属区划", max_length=12, db_index=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    payload = models.TextField("提交内容", help_text="设备发来的原文（XML 或 JSON）")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.RECEIVING)
    message = models.CharField("说明", max_length=500, blank=True)
    result = models.CharField("生成的记录", max_length=60, blank=True, help_text="例如 worklog:123、monitoring:45")

    class Meta:
        verbose_name = "设备提交"
        verbose_name_plural = "设备提交"
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["user", "outcome"], name="submission_user_outcome")]

    def __str__(self) -> str:
        return f"{self.form_id} {self.client_id}"
