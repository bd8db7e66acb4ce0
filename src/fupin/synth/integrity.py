"""优亲厚友: the village committees' members' ID numbers and hukou households, with the planted cases of the rules
``cadre_self_poor`` and ``cadre_relative_poor`` (``analytics/rules/integrity.py``) and decoys just outside them.

``party_tables`` draws the committees' people for the whole province without ID numbers; ``plant_integrity`` gives
those of one county theirs with the county's registry, survey and posted cadres at hand, on its own random stream
(salt 8 of the county seed), so every earlier file stays byte-identical:

- every person (members seated in the 10th election, reserves) gets a valid GB 11643 number: the county's code, a
  birth date within the person's birth year, a sequence odd for men and even for women drawn among pairs 0–439
  (cadres' block 440–499 would meet 贵阳's temporary posts in 南明区) and redrawn until its first 17 digits are
  nobody's in the county — registered, surveyed or posted cadre (a registered number with a planted wrong check
  digit included);
- every person gets a hukou row with a household number (户号) of his own, ``<village>HK<serial>`` (18 characters);
- planted ``cadre_self_poor``: a non-secretary member seated at the end of 2017 who is himself an adult member of a
  household of his village registered poor at the end of 2017 — he takes that member's identity (number, name,
  gender, birth year) and the member's hukou row is his; ``cadre_relative_poor``: a seated member whose hukou row is
  in such a household (户号 = the registry's household number) though he is not registered in it;
- decoys: seated members in, or sharing the 户号 of, a household that left the register in 2017 or earlier; reserves
  never seated in, or sharing the 户号 of, a household registered poor.

The households used carry no other planted answer (so no other rule's record is disturbed) and each is used once.
Rates are in docs/synthetic-data.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .people import id_numbers
from .planted import Planted

YEAR_END = date(2017, 12, 31)
# Shares of the county's members seated on 31 December 2017, each at least one where there are any (and a household
# to plant in): members themselves in a household registered poor (组织部门 checks: rare, each a 备案 question) and
# members sharing a hukou household with relatives registered poor apart (分户, commoner).
SELF_POOR_RATE = 0.005
RELATIVE_POOR_RATE = 0.02
DECOY_RATE = 0.005  # of the seated members, at least one of each of the four decoys
SEQUENCE_PAIRS = (0, 440)  # sequence pairs the committees' members draw from (checked against everybody's numbers)
ADULT_AGES = (22, 60)  # ages (end of 2017) of the registered members whose identity a cadre may take
POSTS = {
    "secretary": "村党组织书记",
    "director": "村委会主任",
    "deputy": "村“两委”副职",
    "member": "村“两委”委员",
}  # highest first (as the rule names them)
HUKOU_STATUS = "正常"

SCHEMAS = {
    "cadre_seats": pa.schema([("person_id", pa.string()), ("name", pa.string()), ("village_code", pa.string()),
                              ("post", pa.string()), ("seated_from", pa.date32()), ("seated_until", pa.date32())]),
}  # fmt: skip


@dataclass
class Integrity:
    people: pa.Table  # the county's village_cadres rows, numbers drawn and planted identities taken
    hukou: list[dict[str, Any]]  # one row per person with a 户号 of his own or a planted one
    counts: dict[str, int] = field(default_factory=dict)  # planted cases and decoys, by kind


def fresh_ids(
    rng: np.random.Generator, county: str, birth_year: np.ndarray, male: np.ndarray, taken: set[str]
) -> list[str]:
    """Valid numbers of ``county`` whose first 17 digits are in neither ``taken`` nor each other (``taken`` grows)."""
    n = len(birth_year)
    out: list[str] = [""] * n
    todo = np.arange(n)
    lo, hi = SEQUENCE_PAIRS
    for _ in range(200):
        if not len(todo):
            return out
        years = birth_year[todo].astype(np.int64)
        start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        length = ((years - 1969).astype("datetime64[Y]").astype("datetime64[D]") - start).astype(np.int64)
        birth = start + (rng.random(len(todo)) * length).astype(np.int64).astype("timedelta64[D]")
        seq = rng.integers(lo, hi, len(todo)) * 2 + male[todo].astype(np.int64)
        again = []
        for i, number in zip(todo.tolist(), id_numbers(county, birth, seq).to_pylist(), strict=True):
            if number[:17] in taken:
                again.append(i)
            else:
                taken.add(number[:17])
                out[i] = number
        todo = np.array(again, dtype=np.int64)
    raise RuntimeError("could not draw unique ID numbers for the village committees' members")


def plant_integrity(  # noqa: PLR0915 - one recipe, read top to bottom
    rng: np.random.Generator,
    county: str,
    *,
    people: pa.Table,
    seats: pa.Table,
    households: pa.Table,
    members: pa.Table,
    others: Iterable[pa.Array | pa.ChunkedArray],
    planted: Planted,
) -> Integrity:
    """The county's committee members' numbers and hukou rows, the planted cases added to ``planted`` (see the
    module's docstring). ``others``: every other person's number of the county (survey, posted cadres)."""
    n = people.num_rows
    refs = people["person_id"].to_pylist()
    village = people["village_code"].to_pylist()
    name = people["name"].to_pylist()
    gender = people["gender"].to_pylist()
    birth_year = np.array(people["birth_year"].to_pylist(), dtype=np.int64)
    taken = {p[:17] for p in members["person_id"].to_pylist()}
    for ids in others:
        taken |= {p[:17] for p in ids.to_pylist() if p}
    numbers = fresh_ids(rng, county, birth_year, np.array([g == "男" for g in gender], dtype=bool), taken)

    post_of, ever, secretaries = _posts(seats)
    index = {r: i for i, r in enumerate(refs)}
    seated = [index[r] for r in refs if r in post_of]
    reserves = [index[r] for r in refs if r not in ever]
    seated = [seated[k] for k in rng.permutation(len(seated))]
    reserves = [reserves[k] for k in rng.permutation(len(reserves))]
    non_secretaries = [i for i in seated if refs[i] not in secretaries]

    pools = _pools(rng, households, busy={str(a["household_id"]) for a in planted.answers})
    m_birth = members["birth_date"].to_pylist()
    adults: dict[str, list[int]] = defaultdict(list)
    for m, (h, b) in enumerate(zip(members["household_id"].to_pylist(), m_birth, strict=True)):
        if ADULT_AGES[0] <= YEAR_END.year - b.year <= ADULT_AGES[1]:
            adults[h].append(m)

    def take(pool: str, v: str, identity: bool) -> tuple[str, int | None] | None:
        households_here = pools[pool].get(v, [])
        for k, h in enumerate(households_here):
            if identity and not adults[h]:
                continue
            del households_here[k]
            return h, (int(adults[h][int(rng.integers(0, len(adults[h])))]) if identity else None)
        return None

    used: set[int] = set()

    def assign(candidates: list[int], count: int, pool: str, *, identity: bool) -> list[tuple[int, str, int | None]]:
        out: list[tuple[int, str, int | None]] = []
        for i in candidates:
            if len(out) >= count:
                break
            if i in used or (got := take(pool, village[i], identity)) is None:
                continue
            used.add(i)
            out.append((i, *got))
        return out

    def share(rate: float) -> int:
        return max(1, round(len(seated) * rate)) if seated else 0

    plants = {
        "cadre_self_poor": assign(non_secretaries, share(SELF_POOR_RATE), "poor", identity=True),
        "cadre_relative_poor": assign(seated, share(RELATIVE_POOR_RATE), "poor", identity=False),
        "decoy_self_exited": assign(non_secretaries, share(DECOY_RATE), "exited", identity=True),
        "decoy_kin_exited": assign(seated, share(DECOY_RATE), "exited", identity=False),
        "decoy_reserve_self_poor": assign(reserves, share(DECOY_RATE), "poor", identity=True),
        "decoy_reserve_kin_poor": assign(reserves, share(DECOY_RATE), "poor", identity=False),
    }

    # identities taken (their hukou rows are the members'), 户号 shared
    m_id, m_name = members["person_id"].to_pylist(), members["name"].to_pylist()
    m_sex = members["sex"].to_pylist()
    own_row: set[int] = set()
    household_of: dict[int, str] = {}
    for kind, rows in plants.items():
        for i, h, member in rows:
            if member is None:
                household_of[i] = h
                continue
            m = member
            own_row.add(i)
            numbers[i], name[i], gender[i], birth_year[i] = m_id[m], m_name[m], m_sex[m], m_birth[m].year
            if kind == "cadre_self_poor":
                label = POSTS[post_of[refs[i]]]
                planted.answer(kind, h, m_id[m], f"{label}{name[i]}本人为建档立卡贫困户成员")
    for i, h, _ in plants["cadre_relative_poor"]:
        label = POSTS[post_of[refs[i]]]
        planted.answer("cadre_relative_poor", h, None, f"户内成员与{label}{name[i]}同属一个公安户籍户")

    serial: dict[str, int] = defaultdict(int)
    hukou = []
    for i in range(n):
        if i in own_row:
            continue
        h = household_of.get(i)
        if h is None:
            serial[village[i]] += 1
            h = f"{village[i]}HK{serial[village[i]]:04d}"
        hukou.append({"person_id": numbers[i], "household_id": h, "village_code": village[i],
                      "status": HUKOU_STATUS})  # fmt: skip

    def put(t: pa.Table, column: str, values: list[Any], typ: pa.DataType) -> pa.Table:
        return t.set_column(t.schema.get_field_index(column), column, pa.array(values, typ))

    people = put(people, "id_number", numbers, pa.string())
    people = put(people, "name", name, pa.string())
    people = put(people, "gender", gender, pa.string())
    people = put(people, "birth_year", birth_year.tolist(), pa.int16())
    return Integrity(people, hukou, {kind: len(rows) for kind, rows in plants.items()})


def _posts(seats: pa.Table) -> tuple[dict[str, str], set[str], set[str]]:
    """Who sits on 31 December 2017 with his highest post; who ever sits; who ever is a secretary."""
    rank = {code: k for k, code in enumerate(POSTS)}
    post_of: dict[str, str] = {}
    ever: set[str] = set()
    secretaries: set[str] = set()
    for s in seats.select(["person_id", "post", "start", "end"]).to_pylist():
        ever.add(s["person_id"])
        if s["post"] == "secretary":
            secretaries.add(s["person_id"])
        if s["start"] <= YEAR_END and (s["end"] is None or s["end"] > YEAR_END):
            best = post_of.get(s["person_id"])
            if best is None or rank.get(s["post"], len(rank)) < rank.get(best, len(rank)):
                post_of[s["person_id"]] = s["post"]
    return post_of, ever, secretaries


def _pools(rng: np.random.Generator, households: pa.Table, busy: set[str]) -> dict[str, dict[str, list[str]]]:
    """The registry's households without another planted answer, by village in a random order: those registered
    poor at the end of 2017 (``poor``) and those that had left the register by then (``exited``)."""
    pools: dict[str, dict[str, list[str]]] = {"poor": defaultdict(list), "exited": defaultdict(list)}
    columns = (households[c].to_pylist() for c in ("household_id", "village_code", "identified_year", "exit_year"))
    for h, v, identified, exited in zip(*columns, strict=True):
        if h in busy or identified > YEAR_END.year:
            continue
        pools["poor" if not exited or exited > YEAR_END.year else "exited"][v].append(h)
    for pool in pools.values():
        for v in sorted(pool):
            pool[v] = [pool[v][k] for k in rng.permutation(len(pool[v]))]
    return pools


def cadre_seats(people: pa.Table, seats: pa.Table) -> pa.Table:
    """The canonical ``cadre_seats``: every seat of a person with an ID number, under that number and name."""
    number = dict(zip(people["person_id"].to_pylist(), people["id_number"].to_pylist(), strict=True))
    name = dict(zip(people["person_id"].to_pylist(), people["name"].to_pylist(), strict=True))
    keep = pa.array([bool(number.get(r)) for r in seats["person_id"].to_pylist()], pa.bool_())
    s = seats.filter(keep)
    refs = s["person_id"].to_pylist()
    return pa.table(
        {
            "person_id": pa.array([number[r] for r in refs], pa.string()),
            "name": pa.array([name[r] for r in refs], pa.string()),
            "village_code": s["village_code"],
            "post": s["post"],
            "seated_from": s["start"],
            "seated_until": s["end"],
        },
        schema=SCHEMAS["cadre_seats"],
    )


def county_rows(table: pa.Table, county: str) -> pa.Table:
    """The rows of ``table`` in ``county`` (by the first six digits of ``village_code``)."""
    return table.filter(pc.equal(pc.utf8_slice_codeunits(table["village_code"], 0, 6), county))
