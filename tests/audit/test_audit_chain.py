import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fupin.areas.services import area_classification_set
from fupin.audit.models import AuditEntry, AuditHead
from fupin.audit.services import diff, verify_chain
from tests.support import COUNTY_B

pytestmark = pytest.mark.django_db
APPEND_ONLY = importlib.import_module("fupin.audit.migrations.0002_append_only")


@pytest.fixture(autouse=True)
def database_owner(db):
    """These tests play an attacker who owns the database: they drop the append-only triggers to tamper."""
    _run(APPEND_ONLY.statements(connection.vendor, create=False))
    yield
    _run(APPEND_ONLY.statements(connection.vendor, create=True))


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _write_some(actor):
    for year in (2015, 2016, 2017):
        area_classification_set(actor=actor, area_code=COUNTY_B, year=year, kind="poor_county", note=f"{year}年")


def test_service_writes_record_actor_time_entity_and_old_new(province_admin):
    area_classification_set(actor=province_admin, area_code=COUNTY_B, year=2017, kind="poor_county", note="a")
    area_classification_set(actor=province_admin, area_code=COUNTY_B, year=2017, kind="poor_county", note="b")
    last = AuditEntry.objects.order_by("-seq").first()
    assert last.actor_id == province_admin.pk
    assert last.actor_username == "padmin"
    assert last.action == "area.classify"
    assert last.entity_type == "areas.areaclassification"
    assert last.changes == {"note": ["a", "b"]}
    assert last.at is not None


def test_chain_verifies_when_untouched(province_admin):
    _write_some(province_admin)
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checked == AuditEntry.objects.count()
    call_command("audit", "verify")


def test_verify_fails_after_a_row_is_edited_behind_the_services_back(province_admin):
    _write_some(province_admin)
    victim = AuditEntry.objects.filter(action="area.classify").order_by("seq").first()
    AuditEntry.objects.filter(pk=victim.pk).update(changes={"note": [None, "改过了"]})
    result = verify_chain()
    assert not result.ok
    assert any(f"第 {victim.seq} 条记录的内容与其哈希不符" in p for p in result.problems)
    with pytest.raises(CommandError, match="审计链校验失败"):
        call_command("audit", "verify")


def test_verify_fails_after_an_actor_is_rewritten(province_admin):
    _write_some(province_admin)
    AuditEntry.objects.filter(action="area.classify").update(actor_username="someone-else")
    assert not verify_chain().ok


def test_verify_fails_after_a_middle_row_is_deleted(province_admin):
    _write_some(province_admin)
    victim = AuditEntry.objects.filter(action="area.classify").order_by("seq")[1]
    AuditEntry.objects.filter(pk=victim.pk).delete()
    problems = verify_chain().problems
    assert any("缺失" in p for p in problems)


def test_verify_fails_after_the_newest_row_is_deleted(province_admin):
    _write_some(province_admin)
    AuditEntry.objects.order_by("-seq").first().delete()
    problems = verify_chain().problems
    assert any("链头" in p for p in problems)


def test_verify_fails_when_a_row_is_rehashed_but_not_its_successor(province_admin):
    """Recomputing one row's own hash after editing it still breaks the link to the next row."""
    from fupin.audit.services import entry_hash

    _write_some(province_admin)
    victim = AuditEntry.objects.filter(action="area.classify").order_by("seq").first()
    victim.changes = {"note": [None, "伪造"]}
    victim.hash = entry_hash(
        prev_hash=victim.prev_hash,
        seq=victim.seq,
        at=victim.at,
        actor_id=victim.actor_id,
        actor_username=victim.actor_username,
        action=victim.action,
        entity_type=victim.entity_type,
        entity_id=victim.entity_id,
        area_code=victim.area_code,
        changes=victim.changes,
    )
    AuditEntry.objects.filter(pk=victim.pk).update(changes=victim.changes, hash=victim.hash)
    assert any("前一条哈希" in p for p in verify_chain().problems)


def test_head_tracks_the_tip(province_admin):
    _write_some(province_admin)
    head = AuditHead.objects.get(pk=1)
    tip = AuditEntry.objects.order_by("-seq").first()
    assert (head.seq, head.hash) == (tip.seq, tip.hash)


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert diff(None, None) == {}


def test_a_moved_area_code_breaks_the_chain(province_admin):
    _write_some(province_admin)
    AuditEntry.objects.filter(action="area.classify").update(area_code="999999999999")
    with pytest.raises(CommandError):
        call_command("audit", "verify")
