from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from fupin.audit.services import Change, audit_record, audit_record_many, diff, snapshot
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError, ValidationError
from fupin.core.permissions import require

from .loader import DEFAULT_SOURCE, read_divisions
from .models import CLASSIFICATION_LEVEL, Area, AreaClassification, Classification

AREA_FIELDS = ("name", "level", "kind", "parent_id")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)


@transaction.atomic
def areas_load(*, actor: Actor | None = None, source: Path = DEFAULT_SOURCE) -> LoadResult:
    """Load or refresh the division tree. Idempotent: a second run changes nothing and writes no audit rows."""
    if actor is not None and not actor.is_superuser:
        # Only the system operator or a superuser reshapes the tree.
        require(actor, "areas.load")
    rows = read_divisions(source)
    existing = {a.code: a for a in Area.objects.all()}
    result = LoadResult()
    to_create: list[Area] = []
    to_update: list[Area] = []
    changes: list[Change] = []
    for row in rows:
        result.by_level[row.level] += 1
        result.by_kind[row.kind] += 1
        new = {"name": row.name, "level": row.level, "kind": row.kind, "parent_id": row.parent}
        current = existing.get(row.code)
        if current is None:
            area = Area(code=row.code, **new)
            to_create.append(area)
            changes.append(Change("area.create", area, diff(None, new), row.code))
            continue
        old = snapshot(current, AREA_FIELDS)
        delta = diff(old, new)
        if not delta:
            result.unchanged += 1
            continue
        for key, value in new.items():
            setattr(current, key, value)
        to_update.append(current)
        changes.append(Change("area.update", current, delta, row.code))
    Area.objects.bulk_create(to_create, batch_size=2000)
    Area.objects.bulk_update(to_update, list(AREA_FIELDS), batch_size=2000)
    audit_record_many(actor=actor, changes=changes)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def _validate_classification(area: Area, year: int, kind: str) -> None:
    if kind not in Classification.values:
        raise ValidationError(f"类别“{kind}”无效，可选：{'、'.join(Classification.values)}")
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年度“{year}”无效")
    wanted = CLASSIFICATION_LEVEL[kind]
    if area.level != wanted:
        label = Classification(kind).label
        raise ValidationError(
            f"“{label}”只适用于{codes.LEVEL_NAMES[wanted]}级，{area.name}是{codes.LEVEL_NAMES[area.level]}级"
        )


@transaction.atomic
def area_classification_set(
    *, actor: Actor | None, area_code: str, year: int, kind: str, note: str = ""
) -> AreaClassification:
    """Classify an area for a year (e.g. 2017 深度贫困县). Set by a level above the area."""
    require(actor, "areas.classify", area_code, from_above=True)
    area = Area.objects.filter(code=codes.normalize(area_code)).first()
    if area is None:
        raise NotFoundError(f"区划“{area_code}”不存在")
    _validate_classification(area, year, kind)
    obj, created = AreaClassification.objects.get_or_create(area=area, year=year, kind=kind, defaults={"note": note})
    old = None if created else snapshot(obj, ["note"])
    if not created and obj.note != note:
        obj.note = note
        obj.save(update_fields=["note"])
    delta = diff(old, {"area_id": area.code, "year": year, "kind": kind, "note": note} if created else {"note": note})
    if delta:
        audit_record(actor=actor, action="area.classify", entity=obj, changes=delta)
    return obj


@transaction.atomic
def area_classification_remove(*, actor: Actor | None, area_code: str, year: int, kind: str) -> None:
    require(actor, "areas.classify", area_code, from_above=True)
    obj = AreaClassification.objects.filter(area_id=codes.normalize(area_code), year=year, kind=kind).first()
    if obj is None:
        raise NotFoundError("该分类不存在")
    old = snapshot(obj, ["area_id", "year", "kind", "note"])
    audit_record(actor=actor, action="area.unclassify", entity=obj, changes=diff(old, None))
    obj.delete()


@transaction.atomic
def area_classifications_follow(
    *, actor: Actor | None, area_codes: list[str], year: int, kind: str, present: bool, note: str = ""
) -> int:
    """Set (``present``) or clear ``kind`` for these areas as the outcome of another domain's decision that its
    own service authorised (the year's 软弱涣散 list, a failed rectification): no ``areas.classify`` check here,
    the caller has checked its own permission over each area. Audited per area changed; returns how many."""
    wanted = sorted({codes.normalize(c) for c in area_codes})
    current = set(
        AreaClassification.objects.filter(area_id__in=wanted, year=year, kind=kind).values_list("area_id", flat=True)
    )
    changes: list[Change] = []
    if present:
        areas = Area.objects.in_bulk([c for c in wanted if c not in current])
        for area in areas.values():
            _validate_classification(area, year, kind)
        add = [AreaClassification(area_id=c, year=year, kind=kind, note=note) for c in sorted(areas)]
        AreaClassification.objects.bulk_create(add, batch_size=2000)
        changes = [
            Change("area.classify", obj, {"year": [None, year], "kind": [None, kind]}, obj.area_id) for obj in add
        ]
    else:
        gone = list(AreaClassification.objects.filter(area_id__in=sorted(current), year=year, kind=kind))
        changes = [Change("area.unclassify", obj, {"year": [year, None], "kind": [kind, None]}, obj.area_id)
                   for obj in gone]  # fmt: skip
        AreaClassification.objects.filter(pk__in=[o.pk for o in gone]).delete()
    audit_record_many(actor=actor, changes=changes)
    return len(changes)


@transaction.atomic
def area_classifications_replace(
    *, actor: Actor | None, year: int, kind: str, area_codes: list[str], note: str = "", within: str | None = None
) -> tuple[int, int]:
    """Make the set of areas holding ``kind`` in ``year`` exactly ``area_codes`` — inside ``within`` (an area
    code) if given, else province-wide (bulk, e.g. from the synthetic province or a provincial list).
    Returns (added, removed). Audited per added/removed area."""
    wanted = {codes.normalize(c) for c in area_codes}
    lo, hi = codes.code_range(within) if within else ("", "9" * codes.CODE_LENGTH)
    outside = sorted(c for c in wanted if not lo <= c <= hi)
    if outside:
        raise ValidationError(f"区划 {'、'.join(outside[:5])} 不在 {within} 范围内")
    for code in sorted(wanted):
        require(actor, "areas.classify", code, from_above=True)
    areas = Area.objects.in_bulk(list(wanted))
    missing = sorted(wanted - set(areas))
    if missing:
        raise NotFoundError(f"区划不存在：{'、'.join(missing[:10])}")
    for area in areas.values():
        _validate_classification(area, year, kind)
    current = {
        c.area_id: c for c in AreaClassification.objects.filter(year=year, kind=kind, area_id__gte=lo, area_id__lte=hi)
    }
    add = [AreaClassification(area_id=c, year=year, kind=kind, note=note) for c in sorted(wanted - set(current))]
    remove = [current[c] for c in sorted(set(current) - wanted)]
    for obj in remove:
        require(actor, "areas.classify", obj.area_id, from_above=True)
    AreaClassification.objects.bulk_create(add, batch_size=2000)
    created = {
        c.area_id: c for c in AreaClassification.objects.filter(year=year, kind=kind, area_id__in=wanted - set(current))
    }
    changes = [
        Change(
            "area.classify",
            created[o.area_id],
            diff(None, snapshot(created[o.area_id], ["area_id", "year", "kind", "note"])),
            o.area_id,
        )
        for o in add
    ]
    changes += [
        Change("area.unclassify", o, diff(snapshot(o, ["area_id", "year", "kind", "note"]), None), o.area_id)
        for o in remove
    ]
    audit_record_many(actor=actor, changes=changes)
    AreaClassification.objects.filter(pk__in=[o.pk for o in remove]).delete()
    return len(add), len(remove)
