"""Receiving a device's submission: once per client id, through the domain's own service, kept either way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from fupin.audit.services import audit_record
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError, ConflictError, ValidationError

from .models import Outcome, Submission

MAX_PAYLOAD = 256 * 1024  # characters of a submission's text: a visit or a report is a few hundred


@dataclass(frozen=True)
class Received:
    submission: Submission
    new: bool  # False: this client id was received before; nothing was done again


def submission_receive(
    *, actor: Actor, channel: str, client_id: str, form_id: str, payload: str, handle: Callable[[], str]
) -> Received:
    """Record a submission and hand it to ``handle`` (which calls the domain's service, with its permission and
    rules, and returns what it made, e.g. ``worklog:12``). A refusal (an ``ApplicationError``) rolls back what the
    handler did and keeps the submission as refused with the reason; anything else is a server error and keeps
    nothing. The same ``client_id`` again returns the first outcome."""
    client_id = client_id.strip()
    if not client_id or len(client_id) > 100:
        raise ValidationError("提交缺少有效的提交编号（instanceID）")
    if len(payload) > MAX_PAYLOAD:
        raise ValidationError(f"提交内容超过 {MAX_PAYLOAD // 1024} KB")
    earlier = Submission.objects.filter(client_id=client_id).first()
    if earlier is not None:
        return _again(earlier, actor)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                client_id=client_id,
                channel=channel,
                form_id=form_id,
                user_id=actor.pk,
                area_code=actor.area_id or "520000000000",
                payload=payload,
            )
            try:
                with transaction.atomic():
                    submission.result = handle()[:60]
                    submission.outcome = Outcome.ACCEPTED
            except ApplicationError as exc:
                submission.outcome, submission.message = Outcome.REFUSED, exc.message[:500]
            submission.save(update_fields=["outcome", "message", "result"])
            audit_record(
                actor=actor,
                action="submission.receive",
                entity=submission,
                changes={
                    "form_id": [None, form_id],
                    "outcome": [None, submission.outcome],
                    "message": [None, submission.message],
                },
                area_code=submission.area_code,
            )
    except IntegrityError:  # the same id sent twice at once: the other request holds it
        earlier = Submission.objects.filter(client_id=client_id).first()
        if earlier is None:
            raise
        return _again(earlier, actor)
    return Received(submission, True)


def _again(earlier: Submission, actor: Actor) -> Received:
    if earlier.user_id != actor.pk:
        raise ConflictError("提交编号已被其他账号使用，请在设备上重新填写")
    return Received(earlier, False)
