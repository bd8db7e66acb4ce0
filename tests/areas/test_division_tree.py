import csv
from pathlib import Path

import pytest

from fupin.accounts.models import Role
from fupin.areas import selectors
from fupin.areas.loader import DEFAULT_SOURCE, DivisionFileError, kind_of, read_divisions
from fupin.areas.models import Area, AreaClassification, Classification
from fupin.areas.services import area_classification_remove, area_classification_set, areas_load
from fupin.audit.models import AuditEntry
from fupin.core import codes
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from tests.support import COUNTY_A, COUNTY_B, make_user

pytestmark = pytest.mark.django_db


def _csv_rows(name):
    with (DEFAULT_SOURCE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_level_count_matches_the_division_files():
    counts = dict(Area.objects.values_list("level").annotate(n=__import__("django").db.models.Count("code")))
    assert counts == {1: 1, 2: 9, 3: 88, 4: 1510, 5: 17964}
    for name, level in [("cities.csv", 2), ("areas.csv", 3), ("streets.csv", 4), ("villages.csv", 5)]:
        assert counts[level] == len(_csv_rows(name))


def test_villages_and_urban_communities_are_told_apart():
    by_kind = dict(
        Area.objects.filter(level=5).values_list("kind").annotate(n=__import__("django").db.models.Count("code"))
    )
    # 12,642 named …村委会/…村民委员会 plus 1,044 bare …村 names are rural villages; 4,274 …居委会/社区 are urban.
    assert by_kind == {"village": 13686, "community": 4274, "other": 4}
    assert kind_of("纪念塔社区", 5) == "community"
    assert kind_of("太慈村", 5) == "village"
    assert kind_of("大坝村委会", 5) == "village"
    assert kind_of("城关镇居民委员会", 5) == "community"


def test_names_are_chinese_and_parents_are_code_prefixes():
    village = Area.objects.select_related("parent__parent").get(code="520526004201")
    assert village.parent.code == "520526004000"
    assert village.parent.parent.name == "威宁彝族回族苗族自治县"
    assert Area.objects.get(code="520000000000").name == "贵州省"


def test_reload_is_idempotent_and_writes_no_audit_rows():
    before = AuditEntry.objects.count()
    result = areas_load(actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 19572)
    assert AuditEntry.objects.count() == before


def test_reload_records_a_renamed_unit_old_to_new(tmp_path):
    src = tmp_path / "div"
    src.mkdir()
    for f in DEFAULT_SOURCE.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        if f.name == "areas.csv":
            text = text.replace('"从江县"', '"从江县（新）"')
        (src / f.name).write_text(text, encoding="utf-8")
    result = areas_load(actor=None, source=src)
    assert result.updated == 1
    entry = AuditEntry.objects.get(action="area.update")
    assert entry.entity_id == COUNTY_B
    assert entry.changes == {"name": ["从江县", "从江县（新）"]}


def test_a_broken_division_file_names_file_and_row_and_changes_nothing(tmp_path):
    src = tmp_path / "div"
    src.mkdir()
    for f in DEFAULT_SOURCE.glob("*.csv"):
        (src / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    lines = (src / "streets.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",520102,", ",520199,", 1)
    (src / "streets.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DivisionFileError, match=r"streets\.csv 第 6 行"):
        read_divisions(Path(src))


def test_descendants_are_one_indexed_range_query(django_assert_num_queries):
    county = Area.objects.get(code=COUNTY_A)
    with django_assert_num_queries(1):
        villages = list(selectors.area_descendants(viewer=_superuser(), area=county, level=codes.VILLAGE))
    assert len(villages) == Area.objects.filter(code__startswith="520526", level=5).count()
    assert all(v.code.startswith("520526") for v in villages)


def test_ancestors_are_one_query(django_assert_num_queries):
    village = Area.objects.get(code="520526004201")
    with django_assert_num_queries(1):
        names = [a.name for a in selectors.area_ancestors(area=village)]
    assert names == ["贵州省", "毕节市", "威宁彝族回族苗族自治县", village.parent.name]


def test_children_stats_count_units_below_each_child(django_assert_num_queries):
    admin = make_user("p", Role.PROVINCE_ADMIN, "52")
    province = Area.objects.get(code="520000000000")
    with django_assert_num_queries(2):
        rows = selectors.area_children_stats(viewer=admin, area=province)
    assert len(rows) == 9
    assert sum(r["level4"] for r in rows) == 1510
    assert sum(r.get("village", 0) + r.get("community", 0) + r.get("other", 0) for r in rows) == 17964


def test_classification_is_held_per_year_and_audited(province_admin):
    obj = area_classification_set(
        actor=province_admin, area_code=COUNTY_B, year=2017, kind=Classification.DEEP_POVERTY_COUNTY
    )
    area_classification_set(actor=province_admin, area_code=COUNTY_B, year=2018, kind="deep_poverty_county")
    assert AreaClassification.objects.filter(area_id=COUNTY_B).count() == 2
    entry = AuditEntry.objects.filter(action="area.classify").order_by("seq").first()
    assert entry.actor_username == "padmin"
    assert entry.entity_id == str(obj.pk)
    assert entry.area_code == COUNTY_B
    assert entry.changes["kind"] == [None, "deep_poverty_county"]
    area_classification_remove(actor=province_admin, area_code=COUNTY_B, year=2018, kind="deep_poverty_county")
    assert AreaClassification.objects.filter(area_id=COUNTY_B).count() == 1
    assert AuditEntry.objects.get(action="area.unclassify").changes["year"] == [2018, None]


def test_a_classification_for_the_wrong_level_is_refused(province_admin):
    with pytest.raises(ValidationError, match="只适用于县"):
        area_classification_set(actor=province_admin, area_code="520526004201", year=2017, kind="poor_county")
    assert not AreaClassification.objects.exists()


def test_a_county_classifies_its_villages_but_not_itself_nor_another_county(county_officer):
    village = "520526004201"
    area_classification_set(actor=county_officer, area_code=village, year=2017, kind="weak_village")
    with pytest.raises(PermissionDeniedError, match="上级"):
        area_classification_set(actor=county_officer, area_code=COUNTY_A, year=2017, kind="poor_county")
    with pytest.raises(NotFoundError):
        area_classification_set(actor=county_officer, area_code="522633001001", year=2017, kind="weak_village")
    assert list(AreaClassification.objects.values_list("area_id", flat=True)) == [village]


def test_an_inspector_cannot_write(inspector):
    with pytest.raises(PermissionDeniedError, match="只读"):
        area_classification_set(actor=inspector, area_code=COUNTY_B, year=2017, kind="poor_county")
    assert not AreaClassification.objects.exists()
    assert not AuditEntry.objects.filter(action="area.classify").exists()


def _superuser():
    from fupin.core.scoping import Scope

    class Root:
        is_authenticated = True
        is_active = True
        is_superuser = True
        scope_code = None
        scope_level = None

    assert Scope.all().everything
    return Root()
