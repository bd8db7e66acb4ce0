"""Writing and verifying the audit chain.

Each entry's hash covers its own content and the previous entry's hash; the head row holds the tip. Editing a
row breaks its hash; deleting one breaks the sequence or the link; deleting the newest ones breaks the head.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from fupin.core import events, scoping
from fupin.core.actors import Actor

from .models import GENESIS_HASH, AuditEntry, AuditHead

Changes = dict[str, list[Any]]


def _normalise(value: Any) -> Any:
    """What JSONField will give back after a round trip, so that the hash is computed on stored values."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _at_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    entity_type: str,
    entity_id: str,
    area_code: str,
    changes: Mapping[str, Any],
) -> str:
    payload = json.dumps(
        [seq, _at_text(at), actor_id, actor_username, action, entity_type, entity_id, area_code, changes],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hmac.new(audit_key(), (prev_hash + payload).encode("utf-8"), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    """The chain's key (``FUPIN_AUDIT_KEY``): kept outside the database, so whoever can rewrite the table cannot
    recompute a valid chain. Development and tests derive one from the secret key."""
    return str(settings.AUDIT_KEY).encode("utf-8")


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Field values (FKs by id) of a model instance, JSON-normalised."""
    names = list(fields) if fields is not None else [f.attname for f in instance._meta.concrete_fields]
    return _normalise({name: getattr(instance, name) for name in names})


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> Changes:
    """{field: [old, new]} for the fields that differ; a missing side is None (creation, deletion)."""
    old = old or {}
    new = new or {}
    out: Changes = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            out[key] = [old.get(key), new.get(key)]
    return out


@dataclass(frozen=True)
class Change:
    action: str
    entity: models.Model | None
    changes: Changes
    area_code: str
    entity_type: str = ""
    entity_id: str = ""


def _entity_ident(change: Change) -> tuple[str, str]:
    if change.entity is not None:
        meta = change.entity._meta
        return change.entity_type or f"{meta.app_label}.{meta.model_name}", change.entity_id or str(change.entity.pk)
    return change.entity_type, change.entity_id


@transaction.atomic
def audit_record_many(*, actor: Actor | None, changes: Iterable[Change]) -> list[AuditEntry]:
    """Append entries for one service call. Must run inside the service's transaction."""
    items = list(changes)
    if not items:
        return []
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    actor_username = getattr(actor, "username", "") or "system"
    entries: list[AuditEntry] = []
    seq, prev = head.seq, head.hash
    for item in items:
        seq += 1
        entity_type, entity_id = _entity_ident(item)
        changes_n = _normalise(item.changes)
        digest = entry_hash(
            prev_hash=prev,
            seq=seq,
            at=now,
            actor_id=actor_id,
            actor_username=actor_username,
            action=item.action,
            entity_type=entity_type,
            entity_id=entity_id,
            area_code=item.area_code,
            changes=changes_n,
        )
        entries.append(
            AuditEntry(
                seq=seq,
                at=now,
                actor_id=actor_id,
                actor_username=actor_username,
                action=item.action,
                entity_type=entity_type,
                entity_id=entity_id,
                area_code=item.area_code,
                changes=changes_n,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    # the change feed of the layers above (the indicators follow every write): once, after the write commits
    events.announce("audit.recorded", on_commit=True, entries=sorted({(e.action, e.area_code) for e in entries}))
    return entries


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    entity: models.Model | None,
    changes: Changes,
    area_code: str | None = None,
    entity_type: str = "",
    entity_id: str = "",
) -> AuditEntry:
    if area_code is None:
        if entity is None:
            raise ValueError("area_code is required when there is no entity")
        area_code = scoping.code_of(entity) or ""
    change = Change(action, entity, changes, area_code, entity_type, entity_id)
    return audit_record_many(actor=actor, changes=[change])[0]


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_entries(batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain(*, max_problems: int = 50) -> VerifyResult:
    """Walk the whole chain in order; report every break (up to max_problems) in Chinese."""
    result = VerifyResult()
    expected_seq, prev = 1, GENESIS_HASH
    for entry in _iter_entries():
        result.checked += 1
        if entry.seq != expected_seq:
            result.problems.append(f"序号 {expected_seq} 至 {entry.seq - 1} 的记录缺失（被删除）")
        if entry.prev_hash != prev:
            result.problems.append(f"第 {entry.seq} 条记录的前一条哈希与链不符（前面的记录被改动或删除）")
        recomputed = entry_hash(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_username=entry.actor_username,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            area_code=entry.area_code,
            changes=entry.changes,
        )
        if recomputed != entry.hash:
            result.problems.append(f"第 {entry.seq} 条记录的内容与其哈希不符（记录被改动）")
        expected_seq, prev = entry.seq + 1, entry.hash
        if len(result.problems) >= max_problems:
            return result
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev:
        result.problems.append(
            f"链头记录为第 {head_seq} 条，实际最后一条为第 {expected_seq - 1} 条（末尾记录被删除或链头被改动）"
        )
    return result


# ------------------------------------------------------------------------------------------------ checkpoints


def _signature(seq: int, digest: str, at: str) -> str:
    return hmac.new(audit_key(), f"{seq}:{digest}:{at}".encode(), hashlib.sha256).hexdigest()


def checkpoint() -> dict[str, Any]:
    """The chain's head, signed with the audit key: a small record inspectors keep outside the system (``fupin
    audit checkpoint`` on a schedule). Against it, deleting the newest entries and resetting the head is seen."""
    head = AuditHead.objects.filter(pk=1).first()
    seq, digest = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    at = _at_text(timezone.now())
    return {"seq": seq, "hash": digest, "at": at, "signature": _signature(seq, digest, at)}


def verify_checkpoint(point: Mapping[str, Any]) -> list[str]:
    """Problems (Chinese) of the database's chain against a kept checkpoint; empty when it still holds."""
    try:
        seq, digest, at = int(point["seq"]), str(point["hash"]), str(point["at"])
        signature = str(point["signature"])
    except (KeyError, TypeError, ValueError):
        return ["检查点文件格式不正确"]
    if not hmac.compare_digest(signature, _signature(seq, digest, at)):
        return ["检查点的签名不符（文件被改动，或审计密钥不同）"]
    if seq == 0:
        return []
    entry = AuditEntry.objects.filter(seq=seq).first()
    if entry is None:
        return [f"检查点（{at}）时的第 {seq} 条记录已不存在（末尾记录被删除）"]
    if entry.hash != digest:
        return [f"第 {seq} 条记录的哈希与检查点（{at}）不符（记录被改动后重算了哈希链）"]
    return []
