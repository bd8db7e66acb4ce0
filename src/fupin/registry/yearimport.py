"""``fupin import years``: the yearly records file (年度动态调整, one row per person) into the registry; its template,
error workbook and export.

The guarantees are those of the households import (:mod:`fupin.registry.imports`): checks run column-wise, every
refused cell is named (row, column, value, reason), a household is taken or refused whole, ``all`` writes nothing
if anything is refused, ``partial`` writes the households that passed, and re-importing a file changes nothing.
Only registered households inside the actor's area and their registered members can be named; household facts
go into that year's ``HouseholdYear`` (created or updated), member facts update the members; the per capita
income is computed (:func:`fupin.registry.yearly.per_capita_income`), a typed one only checked. Every change is
audited old→new on its household, one entry per household and year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection, models

from fupin.audit.services import Change, audit_record_many
from fupin.core import codes, progress, scoping
from fupin.core.actors import Actor
from fupin.core.bulk import fetch_by_key
from fupin.core.permissions import require
from fupin.lib import tabular as tb
from fupin.lib.templates import workbook_template

from .importrun import take_whole_households, write_with_batch
from .imports import _sha256
from .importspec import ImportReport, summary_lines
from .models import Household, HouseholdYear, Member
from .selectors import shown_id
from .workbooks import write_error_workbook
from .yearly import MEMBER_LABELS, TOLERANCE, income_mismatch, per_capita_of, poor_in, year_bounds
from .yearspec import (
    JUDGEMENT_FIELDS,
    MEMBER_YEAR_FIELDS,
    MONEY_FIELDS,
    MONEY_MAX,
    YEAR_FIELDS,
    YEARLY,
    YEARLY_NOTES,
)

SHEET_TITLE = "年度动态调整"
NOT_FOUND = "该户不存在或不在您的管辖范围内"
_MONEY_SHAPE = r"^\d{1,9}(\.\d*)?$"
_MONEY_CENTS = r"^\d{1,9}(\.\d{0,2}0*)?$"
_STORED = (*YEAR_FIELDS, "income_per_capita", "poor")


def import_years(  # noqa: PLR0912, PLR0915 - the checks read best as one list, in the order users see them
    *,
    actor: Actor | None,
    path: Path,
    mode: str = "all",
    dry_run: bool = False,
    capped: bool = False,
) -> ImportReport:
    """Check and (unless ``dry_run``) write a yearly records file.

    Raises ``fupin.lib.tabular.FileUnreadable`` when the file as a whole cannot be read (exit code 2)."""
    if mode not in {"all", "partial"}:
        raise ValueError(mode)
    require(actor, "registry.import")  # each household is checked against the actor's area below
    path = Path(path)
    report = ImportReport("years", path.name, _sha256(path) if path.exists() else "", mode, dry_run)
    progress.report("读取文件")
    sheet = tb.read_table(path, YEARLY, limits=settings.UPLOAD_LIMITS, capped=capped)
    progress.report(f"逐行校验（{sheet.n:,} 行）", 0, sheet.n)
    report.rows_total, report.ignored_headers = sheet.n, sheet.ignored_headers
    checked = tb.check_columns(sheet, YEARLY, villages=set(), allowed=None)
    v = checked.values
    by_field = {c.field: c for c in YEARLY}
    present = {c.field for c in YEARLY if c.header in sheet.columns}
    bad, errors, n = checked.bad, checked.errors, sheet.n

    def refuse(mask: np.ndarray, name: str, reason: Any, arr: pa.Array | None = None) -> None:
        collector = tb.Collector(tb.Sheet({}, sheet.rows))
        raw = sheet.columns.get(by_field[name].header)
        collector.add(mask, by_field[name], arr if arr is not None else raw, reason)
        bad[mask] = True
        errors.extend(collector.errors)

    def refuse_each(reasons: dict[int, str], name: str) -> None:
        """Rows refused each with its own reason (``reasons``: row index → reason)."""
        raw = sheet.columns.get(by_field[name].header)
        values = raw.to_pylist() if raw is not None else [None] * n
        for i, reason in reasons.items():
            bad[i] = True
            errors.append(tb.RowError(int(sheet.rows[i]), by_field[name].header, values[i] or "", reason))

    # money: text checked here (Decimal, never float), blank is 0
    money: dict[str, list[Decimal | None]] = {}
    for name in (*MONEY_FIELDS, "income_per_capita_given"):
        raw = sheet.columns.get(by_field[name].header)
        if raw is None:
            continue
        text = pc.fill_null(raw, "")
        filled = tb.np_bool(pc.is_valid(raw))
        shape = tb.np_bool(pc.match_substring_regex(text, _MONEY_SHAPE))
        cents = tb.np_bool(pc.match_substring_regex(text, _MONEY_CENTS))
        refuse(filled & ~shape, name, f"应为 0–{MONEY_MAX:,} 元的金额（只填数字，不带单位或千分位）")
        refuse(filled & shape & ~cents, name, "金额最多两位小数")
        ok = shape & cents
        amounts: list[Decimal | None] = [
            Decimal(t).quantize(Decimal("0.01")) if good else None
            for t, good in zip(text.to_pylist(), ok.tolist(), strict=True)
        ]
        too_big = np.array([a is not None and a > MONEY_MAX for a in amounts], dtype=bool)
        refuse(too_big, name, f"应在 0–{MONEY_MAX:,} 元之间")
        blank = Decimal("0.00") if name != "income_per_capita_given" else None
        money[name] = [a if f else blank for a, f in zip(amounts, filled.tolist(), strict=True)]
    # recorded judgements and the housing grade: a blank cell is no answer
    for name in (*JUDGEMENT_FIELDS, "housing_grade"):
        raw = sheet.columns.get(by_field[name].header)
        if raw is not None:
            refuse(~tb.np_bool(pc.is_valid(raw)), name, "此列须填写（有此列时不能留空）")
    if "water_quality_ok" in present:  # blank: not tested
        filled = pc.is_valid(sheet.columns[by_field["water_quality_ok"].header])
        v["water_quality_ok"] = pc.if_else(filled, v["water_quality_ok"], pa.scalar(None, pa.bool_()))

    hh = v["household_no"]
    ids = v["id_number"]
    years = v["year"]
    hh_list: list[str] = hh.to_pylist()
    id_list: list[str] = ids.to_pylist()
    year_list: list[int | None] = years.to_pylist()
    key_list = [f"{h}|{y}" for h, y in zip(hh_list, year_list, strict=True)]
    keys = pa.array(key_list, pa.string())
    if n:
        person_year = pa.array([f"{p}|{y}" if p else "" for p, y in zip(id_list, year_list, strict=True)])
        refuse(tb.duplicates(person_year), "id_number", "同一身份证号在本文件的同一年度中出现多次")
        index_of = {int(r): i for i, r in enumerate(sheet.rows.tolist())}
        refused_cells: dict[str, np.ndarray] = {}
        for e in errors:
            refused_cells.setdefault(e.column, np.zeros(n, dtype=bool))[index_of[e.row]] = True
        for name in (*YEAR_FIELDS, "income_per_capita_given"):
            column = None
            if name in money:
                column = pa.array([str(a) if a is not None else "" for a in money[name]], pa.string())
            elif name in v:
                column = v[name]
            if column is not None:
                skip = refused_cells.get(by_field[name].header, np.zeros(n, dtype=bool))
                refuse(_inconsistent(keys, column, skip), name, "同一户同一年度的各行此列不一致")
        for name in (*MEMBER_YEAR_FIELDS, "name"):
            if name in v:
                skip = refused_cells.get(by_field[name].header, np.zeros(n, dtype=bool))
                reason = "同一人在本文件各行中此列不一致（成员信息为当前情况）"
                refuse(_inconsistent(ids, v[name], skip), name, reason)

    # Against the database: the household (inside the actor's area), its members, its stored year records.
    existing_hh = fetch_by_key(
        Household, "household_no", hh_list, ["id", "village_id", "identified_year", "exit_year", "size"]
    )
    scope = None if actor is None or actor.is_superuser else scoping.scope_of(actor)
    known = {no for no, row in existing_hh.items() if scope is None or scope.contains(row[1])}
    refuse(np.array([bool(h) and h not in known for h in hh_list], dtype=bool), "household_no", NOT_FOUND)
    today = date.today()  # noqa: DTZ011 - calendar year
    out_of_range: dict[int, str] = {}
    for i, (h, y) in enumerate(zip(hh_list, year_list, strict=True)):
        if h in known and y is not None:
            lo, hi = year_bounds(existing_hh[h][2], today)
            if not lo <= y <= hi:
                out_of_range[i] = (
                    f"年度应在 {lo}–{hi} 年之间（2013 年起，不早于识别年度 {existing_hh[h][2]} 的前一年，不晚于今年）"
                )
    refuse_each(out_of_range, "year")
    member_cols = ["id", "household__household_no", "name", *MEMBER_YEAR_FIELDS]
    existing_m = fetch_by_key(Member, "id_number", [p for p, h in zip(id_list, hh_list, strict=True) if h in known],
                              member_cols)  # fmt: skip
    not_member = np.array(
        [h in known and bool(p) and ((m := existing_m.get(p)) is None or m[1] != h) for p, h in zip(id_list, hh_list,
                                                                                                    strict=True)],
        dtype=bool,
    )  # fmt: skip
    refuse(not_member, "id_number", "不是该户登记的家庭成员（成员变动请用家庭成员的新增、迁移功能）")
    if "name" in v:
        names = v["name"].to_pylist()
        wrong = [
            i
            for i, (p, h, nm) in enumerate(zip(id_list, hh_list, names, strict=True))
            if nm and h in known and (m := existing_m.get(p)) is not None and m[1] == h and m[2] != nm
        ]
        mask = np.zeros(n, dtype=bool)
        mask[wrong] = True
        refuse(mask, "name", lambda val: "与登记的姓名不一致（身份证号与姓名须为同一人）")
    # members after the file: stored facts with the file's columns over them; 在校阶段 only for students
    member_after: dict[int, dict[str, Any]] = {}
    stage_wrong = np.zeros(n, dtype=bool)
    member_values = {name: v[name].to_pylist() for name in MEMBER_YEAR_FIELDS if name in v}
    for i, p in enumerate(id_list):
        m = existing_m.get(p)
        if m is None or m[1] != hh_list[i]:
            continue
        after = dict(zip(MEMBER_YEAR_FIELDS, m[3:], strict=True))
        for name, values in member_values.items():
            after[name] = values[i]
        if after["school_stage"] and not after["student"]:
            stage_wrong[i] = True
        member_after[i] = after
    refuse(stage_wrong, "school_stage", "填写了在校阶段的须为在校生（在校生填“是”）；非在校生在校阶段留空")

    # one group per household and year: the record after the file, and the income check
    hh_ids = [existing_hh[h][0] if h in known else None for h in hh_list]
    stored = _stored_years({(hid, y) for hid, y in zip(hh_ids, year_list, strict=True) if hid and y})
    first_rows: dict[str, int] = {}
    for i, k in enumerate(key_list):
        first_rows.setdefault(k, i)
    columns = {name: v[name].to_pylist() for name in YEAR_FIELDS if name in v and name not in money}
    plan: dict[str, tuple[int, dict[str, Any], dict[str, Any] | None]] = {}
    income_wrong: dict[int, str] = {}
    no_grade = np.zeros(n, dtype=bool)
    no_people = np.zeros(n, dtype=bool)
    for k, i in first_rows.items():
        h, y = hh_list[i], year_list[i]
        if h not in known or y is None or bad[i]:
            continue
        old = stored.get((existing_hh[h][0], y))
        new = dict(old) if old is not None else _defaults()
        for name, values in columns.items():
            new[name] = values[i]
        for name in MONEY_FIELDS:
            if name in money:
                new[name] = money[name][i]
        if old is None and "housing_grade" not in columns:
            no_grade[i] = True
            continue
        size = existing_hh[h][4]
        if size <= 0:
            no_people[i] = True
            continue
        computed = per_capita_of(new, size)
        given = money.get("income_per_capita_given", [None] * n)[i]
        if given is not None and abs(given - computed) > TOLERANCE:
            income_wrong[i] = income_mismatch(given, computed)
            continue
        new["income_per_capita"] = computed
        new["poor"] = poor_in(existing_hh[h][3], y)
        plan[k] = (i, new, old)
    refuse_each(income_wrong, "income_per_capita_given")
    refuse(no_grade, "household_no", "该户该年度还没有年度记录：新建年度记录须有“住房等级”列并填写")
    refuse(no_people, "household_no", "该户没有在世的家庭成员，无法计算人均纯收入")

    take = take_whole_households(sheet, hh, bad, errors, report=report, mode=mode)

    def write() -> None:
        _write(actor=actor, report=report, take=take, plan=plan, key_list=key_list, id_list=id_list,
               member_after=member_after, existing_m=existing_m, existing_hh=existing_hh, hh_list=hh_list,
               present=present)  # fmt: skip

    progress.report("写入数据库", sheet.n, sheet.n)
    write_with_batch(
        actor=actor,
        report=report,
        write=write if not dry_run and take.any() else None,
        conflict="另一个导入同时写入了相同的年度记录，本次导入未写入任何数据：请稍后重新导入（重复导入不会产生重复数据）",
        audit_extra={"kind": [None, "years"]},
    )
    return report


def _inconsistent(group: pa.Array, column: pa.Array, skip: np.ndarray) -> np.ndarray:
    """Rows (not in ``skip``) whose group has more than one distinct value among its rows not in ``skip``: a cell
    already refused for its own value is not reported again as disagreeing with its group."""
    text = pc.fill_null(pc.cast(column, pa.string()), "\x00")  # blank is a value of its own
    text = pc.if_else(pa.array(skip), pa.scalar(None, pa.string()), text)
    agg = (
        pa.table({"g": group, "v": text})
        .group_by("g")
        .aggregate([("v", "count_distinct", pc.CountOptions(mode="only_valid"))])
    )
    multi = pc.filter(agg.column("g"), pc.greater(agg.column("v_count_distinct"), 1))
    mask: np.ndarray = tb.np_bool(pc.is_in(group, value_set=multi)) & ~skip
    return mask


def _defaults() -> dict[str, Any]:
    out = {f.name: f.get_default() for f in HouseholdYear._meta.concrete_fields if f.name in YEAR_FIELDS}
    for name in MONEY_FIELDS:
        out[name] = Decimal("0.00")
    out["housing_grade"] = ""
    return out


def _stored_years(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
    """The stored records of (household id, year) pairs, by pair: their file-settable fields, pk and village."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    if not pairs:
        return out
    household_ids = sorted({p[0] for p in pairs})
    wanted_years = sorted({p[1] for p in pairs})
    for start in range(0, len(household_ids), 5000):
        qs = HouseholdYear.objects.filter(household_id__in=household_ids[start : start + 5000], year__in=wanted_years)
        for row in qs.values("id", "household_id", "year", *_STORED):
            pair = (row.pop("household_id"), row.pop("year"))
            if pair in pairs:
                out[pair] = row
    return out


def _insert_many(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """``INSERT`` of many rows in one executemany (the ORM's bulk_create compiles every value: 3× slower)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(f) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update_many(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """``UPDATE … SET fields WHERE id = …`` for each (values…, id): one executemany, no CASE per field."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write(
    *,
    actor: Actor | None,
    report: ImportReport,
    take: np.ndarray,
    plan: dict[str, tuple[int, dict[str, Any], dict[str, Any] | None]],
    key_list: list[str],
    id_list: list[str],
    member_after: dict[int, dict[str, Any]],
    existing_m: dict[str, tuple[Any, ...]],
    existing_hh: dict[str, tuple[Any, ...]],
    hh_list: list[str],
    present: set[str],
) -> None:
    """Create or update the taken year records and members; one audit entry per changed household and year."""
    changes: dict[str, dict[str, list[Any]]] = defaultdict(dict)  # by group key
    new_rows: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    changed_keys: set[str] = set()
    for k, (i, new, old) in plan.items():
        if not take[i]:
            continue
        h, y = hh_list[i], int(k.rsplit("|", 1)[1])
        if old is None:
            new_rows.append((existing_hh[h][0], existing_hh[h][1], y, *(new[name] for name in _STORED)))
            changes[k].update({"year": [None, y], **{name: [None, new[name]] for name in _STORED}})
            changed_keys.add(k)
            continue
        diff = {name: [old[name], new[name]] for name in _STORED if old[name] != new[name]}
        if diff:
            updates.append((*(new[name] for name in _STORED), old["id"]))
            changes[k].update(diff)
            changed_keys.add(k)
    _insert_many(HouseholdYear, ["household_id", "village_id", "year", *_STORED], new_rows)
    _update_many(HouseholdYear, list(_STORED), updates)
    report.created = {"years": len(new_rows)}
    # members: each person once (the file's rows of one person agree)
    fields = [name for name in MEMBER_YEAR_FIELDS if name in present]
    last_key: dict[str, str] = {}
    for i, k in enumerate(key_list):
        if take[i] and k in plan:
            last_key[hh_list[i]] = max(last_key.get(hh_list[i], k), k)
    member_updates: list[tuple[Any, ...]] = []
    changed_people: set[str] = set()
    for i in np.flatnonzero(take).tolist():
        pid = id_list[i]
        if pid in changed_people or i not in member_after or not fields:
            continue
        m = existing_m[pid]
        old_values = dict(zip(MEMBER_YEAR_FIELDS, m[3:], strict=True))
        after = member_after[i]
        diff = {name: [old_values[name], after[name]] for name in fields if old_values[name] != after[name]}
        if not diff:
            continue
        changed_people.add(pid)
        member_updates.append((*(after[name] for name in fields), m[0]))
        k = last_key[hh_list[i]]
        for name, pair in diff.items():
            changes[k][f"成员 {m[2]}·{MEMBER_LABELS[name]}"] = pair
        changed_keys.add(k)
    _update_many(Member, fields, member_updates)
    report.updated = {"years": len(updates), "members": len(member_updates)}
    report.unchanged = int(
        sum(1 for i in np.flatnonzero(take).tolist() if key_list[i] not in changed_keys and id_list[i] not in
            changed_people)
    )  # fmt: skip
    entries = []
    for k in sorted(changed_keys):
        no = k.rsplit("|", 1)[0]
        entries.append(Change("registry.year_import", None, changes[k], existing_hh[no][1], "registry.household", no))
    audit_record_many(actor=actor, changes=entries)


# --------------------------------------------------------------------------------------------------- report


def _years_written(report: ImportReport) -> str:
    return (
        f"新增 年度记录 {report.created.get('years', 0)}；更新 年度记录 {report.updated.get('years', 0)}、"
        f"成员 {report.updated.get('members', 0)}；未变 {report.unchanged} 行"
    )


def year_summary_lines(report: ImportReport) -> list[str]:
    """The yearly import's outcome in a few Chinese lines (CLI output, the error workbook)."""
    return summary_lines(report, _years_written)


def write_years_error_workbook(report: ImportReport, path: Path, source: Path) -> Path:
    """Refused rows: (row, column, value, reason), the outcome, and the refused rows as they were in the file."""
    return write_error_workbook(report, path, source, spec=YEARLY, lines=year_summary_lines)


# --------------------------------------------------------------------------------------------------- template


def write_years_template(path: Path) -> Path:
    """The yearly template, in the households template's look: headers (required ones marked *), an example row
    that passes the checks, drop-down lists, and a 填写说明 sheet."""
    return workbook_template(path, YEARLY, sheet=SHEET_TITLE, rows=[[c.example for c in YEARLY]], notes=YEARLY_NOTES)


# --------------------------------------------------------------------------------------------------- export

_YES = {True: "是", False: "否", None: ""}


def export_years(*, viewer: Actor, area_code: str = "", year: int, path: Path) -> int:
    """The viewer's scoped year records of ``year``, one row per living member, in the template's layout (so an
    export re-imports unchanged); ID numbers as the viewer may see them (masked ones do not re-import)."""
    qs = scoping.scoped(HouseholdYear, viewer).filter(year=year).select_related("household")
    if area_code:
        lo, hi = codes.code_range(area_code)
        qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
    qs = qs.order_by("household__household_no")
    headers = [c.header for c in YEARLY]
    return tb.write_rows(Path(path), headers, _export_rows(viewer, qs), sheet=SHEET_TITLE)


def _export_rows(viewer: Actor, qs: Any) -> Any:
    chunk: list[HouseholdYear] = []
    for record in qs.iterator(chunk_size=2000):
        chunk.append(record)
        if len(chunk) == 2000:
            yield from _export_chunk(viewer, chunk)
            chunk = []
    if chunk:
        yield from _export_chunk(viewer, chunk)


def _export_chunk(viewer: Actor, records: list[HouseholdYear]) -> Any:
    people: dict[int, list[Member]] = defaultdict(list)
    members = scoping.scoped(Member, viewer).filter(
        household_id__in=[r.household_id for r in records], deceased_on__isnull=True
    )
    for m in members.order_by("household_id", "id"):
        people[m.household_id].append(m)
    for r in records:
        household_part = [
            r.household.household_no,
            r.year,
            *(_money_cell(getattr(r, name)) for name in MONEY_FIELDS),
            _money_cell(r.income_per_capita),
            *(_YES[getattr(r, name)] for name in ("food_ok", "clothing_ok", "education_ok", "medical_ok")),
            r.housing_grade,
            _YES[r.relocated],
            _YES[r.water_ok],
            "" if r.water_litres is None else r.water_litres,
            _YES[r.water_quality_ok],
            "" if r.water_minutes is None else r.water_minutes,
            "" if r.water_cut_days is None else r.water_cut_days,
            _YES[r.water_short_area],
        ]
        for m in people[r.household_id]:
            yield [
                *household_part,
                shown_id(viewer, m.id_number),
                m.name,
                _YES[m.student],
                m.school_stage,
                _YES[m.home_schooled],
                m.disability,
                m.health,
                _YES[m.medical_insurance],
                _YES[m.critical_illness_insurance],
            ]


def _money_cell(value: Decimal | None) -> str:
    """A stored amount as text without trailing zeros (2000.50 → 2000.5, 1000.00 → 1000)."""
    if value is None:
        return ""
    text = f"{Decimal(value):.2f}"
    return re.sub(r"\.?0+$", "", text) if "." in text else text
