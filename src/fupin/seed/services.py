"""Seeding the database: the demo accounts and classifications (``fupin demo``) and the synthetic province's
data (``fupin synth --into-db``), each through the owning app's own validated, audited loader.

Progress goes to ``echo`` one line at a time (a command passes its stdout), so that a province-scale load shows
each county as it lands. Loaders raise :class:`~fupin.core.errors.ApplicationError`; nothing here catches it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import transaction

from fupin.accounts.choices import Department
from fupin.accounts.models import Role, User
from fupin.accounts.services import user_create, user_update
from fupin.areas.loader import DEFAULT_SOURCE
from fupin.areas.models import Area, Classification
from fupin.areas.services import area_classifications_replace, areas_load
from fupin.cadres.models import Posting, PostingRole, PostingStatus
from fupin.cadres.services import cadre_account_link, cadres_load, promotions_load, work_teams_load
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.external.services import KINDS, external_load
from fupin.registry.models import Household
from fupin.registry.services import registry_bulk_load
from fupin.stats.services import area_statistics_load
from fupin.synth import calibration as cal
from fupin.synth.generate import counties_for
from fupin.synth.province import plan_province

Echo = Callable[[str], None]

DEEP_POVERTY_2017 = DEFAULT_SOURCE.parent / "deep_poverty_counties_2017.csv"
DEMO_PASSWORD = "Fupin@2017demo"  # noqa: S105 - printed in the README; demo databases only
DEMO_COUNTY = "520526000000"  # 威宁彝族回族苗族自治县 (deep-poverty county)
SYNTH_YEARS = range(2014, 2018)


def _quiet(line: str) -> None:
    """The default ``echo``: say nothing."""


# --------------------------------------------------------------------------------------------------- demo


POVERTY = Department.POVERTY


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    area_code: str
    display_name: str
    department: str = ""

    @property
    def role_label(self) -> str:
        label = str(Role(self.role).label)
        return f"{label}·{Department(self.department).label}" if self.department else label


def demo_accounts() -> list[DemoAccount]:
    """One account per role and department; the township and the village roles sit in the first village of 威宁县,
    道真县 has its poverty office and organization department. ``make demo`` loads synthetic households into both
    counties (scales ``tiny`` and ``weining``), so every account's area has data (tests/web/test_empty_states.py)."""
    county = DEMO_COUNTY
    lo, hi = codes.code_range(county)
    village = Area.objects.filter(code__gte=lo, code__lte=hi, kind="village").order_by("code").first()
    village_code = village.code if village else county
    township_code = village.parent_id if village and village.parent_id else county
    return [
        DemoAccount("admin", Role.PROVINCE_ADMIN, "520000000000", "省扶贫办管理员"),
        DemoAccount("inspector", Role.INSPECTOR, "520000000000", "省纪委督查员"),
        DemoAccount("bijie", Role.PREFECTURE_OFFICER, "520500000000", "毕节市扶贫办", POVERTY),
        DemoAccount("bijie-zzb", Role.PREFECTURE_OFFICER, "520500000000", "毕节市委组织部", Department.ORGANIZATION),
        DemoAccount("bijie-jw", Role.PREFECTURE_OFFICER, "520500000000", "毕节市纪委监委", Department.DISCIPLINE),
        DemoAccount("weining", Role.COUNTY_OFFICER, county, "威宁县扶贫办", POVERTY),
        DemoAccount("weining-zzb", Role.COUNTY_OFFICER, county, "威宁县委组织部", Department.ORGANIZATION),
        DemoAccount("weining-jw", Role.COUNTY_OFFICER, county, "威宁县纪委监委", Department.DISCIPLINE),
        DemoAccount("weining-cz", Role.COUNTY_OFFICER, county, "威宁县财政局", Department.FINANCE),
        DemoAccount("daozhen", Role.COUNTY_OFFICER, "520325000000", "道真县扶贫办", POVERTY),
        DemoAccount("daozhen-zzb", Role.COUNTY_OFFICER, "520325000000", "道真县委组织部", Department.ORGANIZATION),
        DemoAccount("township", Role.TOWNSHIP_OFFICER, township_code, "乡镇扶贫站", POVERTY),
        DemoAccount("township-zzb", Role.TOWNSHIP_OFFICER, township_code, "乡镇党委组织委员", Department.ORGANIZATION),
        DemoAccount("secretary", Role.FIRST_SECRETARY, village_code, "第一书记"),
        DemoAccount("cadre", Role.RESIDENT_CADRE, village_code, "驻村工作队员"),
        DemoAccount("village", Role.VILLAGE_COMMITTEE, village_code, "村两委干部"),
        DemoAccount("unit", Role.HELPING_UNIT, county, "县直帮扶单位联络员"),
    ]


@transaction.atomic
def demo_load(*, actor: Actor | None, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """The division tree (if empty), the 14 deep-poverty counties of 2017 and one account per role, each created
    only if missing (so running it again changes nothing). Returns the accounts."""
    if not Area.objects.exists():
        areas_load(actor=actor)
    with DEEP_POVERTY_2017.open(encoding="utf-8") as fh:
        deep = [row["code"] for row in csv.DictReader(fh)]
    area_classifications_replace(
        actor=actor,
        year=2017,
        kind=Classification.DEEP_POVERTY_COUNTY,
        area_codes=deep,
        note="贵州省 2017 年",
    )
    accounts = demo_accounts()
    for account in accounts:
        existing = User.objects.filter(username=account.username).first()
        if existing is not None:
            if _developer_note(existing.display_name, account.display_name):
                user_update(actor=actor, user=existing, display_name=account.display_name)
            continue
        user_create(
            actor=actor,
            username=account.username,
            password=password,
            role=account.role,
            area_code=account.area_code,
            display_name=account.display_name,
            department=account.department,
            check_password=False,
        )
    demo_cadres_link(actor=actor)
    stored = dict(User.objects.filter(username__in=[a.username for a in accounts]).values_list("username", "area_id"))
    return [replace(a, area_code=stored.get(a.username) or a.area_code) for a in accounts]


VILLAGE_ACCOUNTS = ("secretary", "cadre", "village")
TOWNSHIP_ACCOUNTS = ("township", "township-zzb")


def demo_cadres_link(*, actor: Actor | None) -> str | None:
    """Link the demo 第一书记 and 驻村工作队员 accounts to cadres posted to their village, so they can keep a work log
    and ask for leave. When their village has no posted first secretary (the synthetic dispatch posts to poor and
    weak villages), the village accounts move to the first village of the township — else of the county — that
    has one, and the township accounts follow to its township. Nothing happens before cadres are loaded or once
    linked. Returns the village linked."""
    secretary = User.objects.filter(username="secretary").select_related("area").first()
    if secretary is None or secretary.area_id is None or Posting.objects.filter(cadre__account=secretary).exists():
        return None
    active = Posting.objects.filter(status=PostingStatus.ACTIVE, role=PostingRole.FIRST_SECRETARY)
    village = secretary.area_id
    if not active.filter(village_id=village).exists():
        for level in (codes.TOWNSHIP, codes.COUNTY):
            lo, hi = codes.code_range(village, level)
            found = active.filter(village_id__gte=lo, village_id__lte=hi).order_by("village_id").first()
            if found is not None:
                village = found.village_id
                break
        else:
            return None
    township = codes.normalize(village[:9])
    for username, code in [*((u, village) for u in VILLAGE_ACCOUNTS), *((u, township) for u in TOWNSHIP_ACCOUNTS)]:
        user = User.objects.filter(username=username).first()
        if user is not None and user.area_id != code:
            user_update(actor=actor, user=user, area_code=code)
    postings = Posting.objects.filter(village_id=village, status=PostingStatus.ACTIVE).select_related("cadre")
    for username, role in (("secretary", PostingRole.FIRST_SECRETARY), ("cadre", PostingRole.RESIDENT_CADRE)):
        user = User.objects.get(username=username)
        posting = postings.filter(role=role, cadre__account__isnull=True).order_by("pk").first()
        if posting is not None:
            cadre_account_link(actor=actor, cadre=posting.cadre, user=user)
    return village


def _developer_note(stored: str, demo: str) -> bool:
    """Whether a demo user's stored name is the demo name with a note for developers after it — "道真县扶贫办（有合成
    建档立卡数据）", from an older `fupin demo` — which users would read as part of the person's name."""
    return stored != demo and stored.startswith(demo) and stored[len(demo) : len(demo) + 1] in {"（", "(", " "}


# ---------------------------------------------------------------------------------------------- synthetic


def synth_into_db(*, actor: Actor | None, scale: str, seed: int, out: Path | None, echo: Echo = _quiet) -> None:
    """The synthetic province into the database: area classifications always; with ``out`` (the generated
    Parquet directory) also the registry, the departments' data and the cadres."""
    synth_classifications_load(actor=actor, scale=scale, seed=seed, echo=echo)
    if out is not None:
        synth_registry_load(actor=actor, out=out, echo=echo)
        synth_external_load(actor=actor, out=out, echo=echo)
        synth_monitoring_load(actor=actor, out=out, echo=echo)
        synth_cadres_load(actor=actor, out=out, echo=echo)
        synth_fieldwork_load(actor=actor, out=out, echo=echo)
        synth_partyorg_load(actor=actor, out=out, echo=echo)
        synth_assessment_load(actor=actor, out=out, echo=echo)


def synth_classifications_load(*, actor: Actor | None, scale: str, seed: int, echo: Echo = _quiet) -> None:
    """Area classifications go in through the areas service (validated, audited, idempotent), replacing only those
    inside the generated area, so that tiny scale leaves the rest of the province alone. All or nothing."""
    plan = plan_province(seed)
    counties = set(counties_for(plan, scale))
    spec = cal.SCALES[scale]
    within = spec.counties[0] if spec.counties and len(spec.counties) == 1 else spec.prefecture
    by_key: dict[tuple[int, str], list[str]] = {}
    for code, year, kind in plan.classifications:
        if code[:6] in counties:
            by_key.setdefault((year, kind), []).append(code)
    if not Area.objects.exists():
        areas_load(actor=actor)
    kinds = {(y, k) for _, y, k in plan.classifications}
    with transaction.atomic():
        for year, kind in sorted(kinds):
            area_codes = by_key.get((year, kind), [])
            added, removed = area_classifications_replace(
                actor=actor, year=year, kind=kind, area_codes=area_codes, note="合成数据", within=within
            )
            echo(f"{year} {Classification(kind).label}：{len(area_codes)}（新增 {added}，撤销 {removed}）")


def synth_registry_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """Households, members and yearly records, county by county (each county all or nothing; a county that
    already has households is skipped). Planted data-quality faults (wrong check digits) are kept on purpose, so
    the ID check is off for this load."""
    tables = {n: pq.read_table(out / f"{n}.parquet") for n in ("households", "members", "household_years")}
    for county in sorted(set(tables["households"]["county_code"].to_pylist())):
        lo, hi = codes.code_range(county)
        if Household.objects.filter(village_id__gte=lo, village_id__lte=hi).exists():
            echo(f"{county}：已有建档立卡数据，跳过")
            continue
        hh = tables["households"].filter(pc.equal(tables["households"]["county_code"], county))
        ids = hh["household_id"]
        members = tables["members"].filter(pc.is_in(tables["members"]["household_id"], ids))
        years = tables["household_years"].filter(pc.is_in(tables["household_years"]["household_id"], ids))
        result = registry_bulk_load(
            actor=actor,
            area_code=county,
            households=hh,
            members=members,
            years=years,
            source=f"synth:{out.name}:{county}",
            validate_ids=False,
        )
        echo(f"{county}：{result.households} 户，{result.members} 人，{result.years} 条年度记录已入库")


def synth_external_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """The counties' rural population, then the other departments' tables and the survey sample, each replacing
    its kind (the checks read them). Rows with invalid ID numbers (planted data-quality faults in the hukou copy)
    are reported and left out."""
    targets = pq.read_table(out / "county_targets.parquet").to_pylist()
    rows = [(t["county_code"], year, t["rural_population"]) for t in targets for year in SYNTH_YEARS]
    area_statistics_load(actor=actor, rows=rows, source=f"synth:{out.name}")
    for kind in KINDS:
        path = out / f"{kind}.parquet"
        if path.exists():
            report = external_load(actor=actor, kind_name=kind, path=path, partial=True)
            refused = f"，{report.rows_refused} 行身份证号无效未导入" if report.rows_refused else ""
            echo(f"{KINDS[kind].title}：{report.rows_loaded} 行已入库{refused}")


def synth_monitoring_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """The generated counties' return-to-poverty monitoring: the cases with their identification (and elimination)
    procedures, sources, follow-up visits and help measures (``fupin.monitoring.loading``). After the registry (the
    households) and the departments' tables (the alerts the department sources cite)."""
    from fupin.monitoring.loading import load_parquet_dir, monitoring_load

    if not (out / "monitoring_cases.parquet").exists():
        return
    monitoring_load(actor=actor, tables=load_parquet_dir(out), source=f"synth:{out.name}", echo=echo)


def synth_cadres_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """The generated counties' helping units (with the prefecture and province units) and cadres, with their 2017
    postings as first secretaries and resident cadres, and the village work groups of the 2017 round."""
    cadres = pq.read_table(out / "cadres.parquet").to_pylist()
    used = {c["unit_id"] for c in cadres}
    units = [u for u in pq.read_table(out / "helping_units.parquet").to_pylist() if u["unit_id"] in used]
    n = cadres_load(actor=actor, units=units, cadres=cadres, source=f"synth:{out.name}")
    if (out / "promotions.parquet").exists():
        promoted = promotions_load(actor=actor, rows=pq.read_table(out / "promotions.parquet").to_pylist(),
                                   source=f"synth:{out.name}")  # fmt: skip
        echo(f"提拔重用 {promoted} 人")
    groups = pq.read_table(out / "work_groups.parquet").to_pylist()
    teams = work_teams_load(actor=actor, groups=groups, round_year=2017, source=f"synth:{out.name}")
    echo(f"帮扶单位 {len(units)} 个，干部 {n} 人，工作队(组) {teams} 个已入库")


def synth_fieldwork_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """The generated counties' field work of the rating year (work logs, leave, spot checks, red lines, scores),
    then their ratings and the year-end review (``fupin.fieldwork.loading``)."""
    from fupin.fieldwork.loading import fieldwork_load, load_parquet_dir
    from fupin.synth.fieldwork import YEAR

    if not (out / "work_logs.parquet").exists():
        return
    fieldwork_load(actor=actor, tables=load_parquet_dir(out), year=YEAR, source=f"synth:{out.name}", echo=echo)


def synth_partyorg_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """The generated counties' village Party organizations, their two committees, reserve pools, the 10th
    election, reviews, guarantees and the 2018 adjustments, then the 软弱涣散 lists (``fupin.partyorg.loading``)."""
    from fupin.partyorg.loading import load_parquet_dir, partyorg_load

    if not (out / "village_cadres.parquet").exists():
        return
    partyorg_load(actor=actor, tables=load_parquet_dir(out), source=f"synth:{out.name}", echo=echo)


def synth_assessment_load(*, actor: Actor | None, out: Path, echo: Echo = _quiet) -> None:
    """The generated counties' leaders, contact points, debriefings, the year's schemes with their 观摩 scores (run
    at once), the bottom areas' 约谈 and the helping units' grades (``fupin.assessment.loading``). The schemes read
    the dashboards' indicators: refresh them first for the scores to carry the poverty figures."""
    from fupin.assessment.loading import assessment_load, load_parquet_dir

    if not (out / "leaders.parquet").exists():
        return
    assessment_load(actor=actor, tables=load_parquet_dir(out), source=f"synth:{out.name}", echo=echo)
