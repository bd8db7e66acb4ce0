"""The audit log you can trust: append-only in the database, keyed, and checked against signed checkpoints."""

from __future__ import annotations

import importlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from fupin.areas.services import area_classification_set
from fupin.audit import services
from fupin.audit.models import AuditEntry, AuditHead
from fupin.audit.services import checkpoint, entry_hash, verify_chain, verify_checkpoint
from tests.support import COUNTY_B

pytestmark = pytest.mark.django_db
APPEND_ONLY = importlib.import_module("fupin.audit.migrations.0002_append_only")


def _write(n: int = 3) -> None:
    for year in range(2015, 2015 + n):
        area_classification_set(actor=None, area_code=COUNTY_B, year=year, kind="poor_county", note=f"{year}年")


def test_the_database_refuses_to_edit_or_delete_an_audit_entry():
    _write(1)
    entry = AuditEntry.objects.latest("seq")
    for tamper in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="x"),
                   lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):  # fmt: skip
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            tamper()
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        for sql in APPEND_ONLY.statements(connection.vendor, create=False):
            cursor.execute(sql)


def test_deleting_the_newest_entries_and_resetting_the_head_fails_against_a_checkpoint():
    _write(3)
    kept = checkpoint()
    assert verify_checkpoint(kept) == []
    _drop_triggers()  # an attacker who owns the database
    newest = AuditEntry.objects.latest("seq")
    AuditEntry.objects.filter(pk=newest.pk).delete()
    before = AuditEntry.objects.latest("seq")
    AuditHead.objects.filter(pk=1).update(seq=before.seq, hash=before.hash)
    assert verify_chain().ok  # the chain alone cannot tell …
    assert verify_checkpoint(kept) == [f"检查点（{kept['at']}）时的第 {kept['seq']} 条记录已不存在（末尾记录被删除）"]


def test_an_edit_rehashed_with_the_projects_own_function_but_without_the_key_fails():
    _write(3)
    kept = checkpoint()
    _drop_triggers()
    entries = list(AuditEntry.objects.order_by("seq"))
    entries[0].changes = {"note": [None, "改过了"]}
    prev = entries[0].prev_hash
    with override_settings(AUDIT_KEY="the attacker's guess"):
        for e in entries:
            e.prev_hash = prev
            e.hash = prev = entry_hash(prev_hash=prev, seq=e.seq, at=e.at, actor_id=e.actor_id,
                                       actor_username=e.actor_username, action=e.action, entity_type=e.entity_type,
                                       entity_id=e.entity_id, area_code=e.area_code,
                                       changes=services._normalise(e.changes))  # fmt: skip
            AuditEntry.objects.filter(pk=e.pk).update(changes=e.changes, prev_hash=e.prev_hash, hash=e.hash)
        AuditHead.objects.filter(pk=1).update(hash=prev)
    problems = verify_chain().problems
    assert any("内容与其哈希不符" in p for p in problems)
    assert verify_checkpoint(kept)  # and the checkpointed head no longer matches


def test_a_forged_checkpoint_is_refused_and_the_command_checks_a_kept_file(tmp_path):
    _write(2)
    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--out", str(path))
    call_command("audit", "verify", "--checkpoint", str(path))
    forged = {**json.loads(path.read_text(encoding="utf-8")), "seq": 1}
    assert verify_checkpoint(forged) == ["检查点的签名不符（文件被改动，或审计密钥不同）"]
    path.write_text(json.dumps(forged), encoding="utf-8")
    with pytest.raises(CommandError, match="审计链校验失败"):
        call_command("audit", "verify", "--checkpoint", str(path))
