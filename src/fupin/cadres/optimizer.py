"""The dispatch optimiser: first secretaries to villages as a min-cost flow on a sparse candidate graph (no Django).

source → cadre (capacity 1) → village (capacity 1, cost = mismatch + distance) → sink (reward for covering the
village, as a negative cost) plus source → sink for cadres left at home. Rewards dwarf costs, so coverage comes
first, deep-poverty villages and extremely poor townships before poor and weak ones, then the best matches. The same
network solved as a linear program (GLOP) certifies the optimum: the flow polytope is integral, so the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

# matching principle (the article): 党群→弱村, 政法→乱村, 经济→穷村, 农业→产业村, 科技→专业村
PREFERRED = {
    "weak_village": "党群",
    "disorderly_village": "政法",
    "poor_village": "经济",
    "deep_poverty_village": "经济",
    "industry_village": "农业",
    "specialised_village": "科技",
}
MISMATCH = 10
DISTANCE = {"county": 0, "prefecture": 2, "province": 3, "elsewhere": 6}
REWARD_TOP, REWARD_MUST, REWARD_OTHER = 1000, 500, 100
CANDIDATES_PER_VILLAGE = 12  # per cost level (match × distance: at most six levels)


@dataclass(frozen=True)
class Village:
    code: str
    kinds: frozenset[str]
    top_priority: bool  # deep-poverty village or in an extremely poor township

    @property
    def must(self) -> bool:
        return bool(self.kinds & {"poor_village", "deep_poverty_village", "weak_village"})

    @property
    def reward(self) -> int:
        return REWARD_TOP if self.top_priority else REWARD_MUST if self.must else REWARD_OTHER


@dataclass(frozen=True)
class Candidate:
    id: int
    cadre_type: str
    area: str  # 12-digit code of the cadre's unit
    last_villages: frozenset[str] = frozenset()


@dataclass
class Result:
    assignment: dict[str, int]  # village → cadre id
    cost: dict[str, int]  # village → arc cost of its assignment
    uncovered: dict[str, str]  # village → why
    objective: int
    arcs: int
    lp_objective: float | None = None
    edges: list[tuple[int, int, int]] = field(default_factory=list)


def villages_from_classifications(rows: Iterable[tuple[str, str]]) -> list[Village]:
    """Villages needing cadres from one year's (area code, classification kind) rows; a village in an extremely
    poor township, or a deep-poverty village, comes first."""
    kinds: dict[str, set[str]] = {}
    townships = set()
    for code, kind in rows:
        if kind == "extremely_poor_township":
            townships.add(code[:9])
        elif kind in PREFERRED:
            kinds.setdefault(code, set()).add(kind)
    return [
        Village(code, frozenset(k), "deep_poverty_village" in k or code[:9] in townships)
        for code, k in sorted(kinds.items())
    ]


def distance(unit_area: str, village: str) -> str:
    if unit_area[:6] == village[:6]:
        return "county"
    if unit_area[:4] == village[:4]:
        return "prefecture"
    if unit_area.endswith("0000000000"):
        return "province"
    return "elsewhere"


def arc_cost(c: Candidate, v: Village) -> int:
    preferred = {PREFERRED[k] for k in v.kinds if k in PREFERRED}
    return (0 if c.cadre_type in preferred else MISMATCH) + DISTANCE[distance(c.area, v.code)]


TYPES = ("党群", "政法", "经济", "农业", "科技")


def build_edges(
    villages: list[Village], cadres: list[Candidate], k: int = CANDIDATES_PER_VILLAGE
) -> list[tuple[int, int, int]]:
    """(village index, cadre index, cost): for each village and each cost level (type match × distance), k eligible
    candidates from its own county, its prefecture's units and province units; never a cadre back in the village of
    their last round. Taking k per level, not the k cheapest overall, keeps the graph able to cover every village
    when the best-matched local cadres run out; within a level a hash of (village, cadre) picks, so neighbouring
    villages draw different people and the union of candidate sets stays large."""
    import numpy as np

    type_code = np.array([TYPES.index(c.cadre_type) if c.cadre_type in TYPES else -1 for c in cadres], dtype=np.int64)
    by_county: dict[str, list[int]] = {}
    by_prefecture: dict[str, list[int]] = {}
    province: list[int] = []
    served: dict[str, list[int]] = {}
    for j, c in enumerate(cadres):
        if c.area.endswith("0000000000"):
            province.append(j)
        elif c.area.endswith("00000000"):
            by_prefecture.setdefault(c.area[:4], []).append(j)
        else:
            by_county.setdefault(c.area[:6], []).append(j)
        for last in c.last_villages:
            served.setdefault(last, []).append(j)
    pools: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    edges: list[tuple[int, int, int]] = []
    for i, v in enumerate(villages):
        county = v.code[:6]
        if county not in pools:
            own, pref, prov = by_county.get(county, []), by_prefecture.get(v.code[:4], []), province
            idx = np.array(own + pref + prov, dtype=np.int64)
            dist = np.array(
                [DISTANCE["county"]] * len(own)
                + [DISTANCE["prefecture"]] * len(pref)
                + [DISTANCE["province"]] * len(prov),
                dtype=np.int64,
            )
            pools[county] = (idx, dist)
        idx, dist = pools[county]
        if not len(idx):
            continue
        preferred = [TYPES.index(PREFERRED[kind]) for kind in v.kinds if kind in PREFERRED]
        cost = dist + np.where(np.isin(type_code[idx], preferred), 0, MISMATCH)
        salt = int.from_bytes(v.code.encode()[-8:], "little")
        tie = ((idx * 2654435761 + salt) % 1_000_003).astype(np.int64)
        usable = np.ones(len(idx), dtype=bool)
        base = v.code.split("/")[0]  # resident slots are named village/slot
        if base in served:
            usable &= ~np.isin(idx, served[base])
        best_parts = []
        for level in np.unique(cost[usable]):
            members = np.flatnonzero(usable & (cost == level))
            if len(members) > k:
                members = members[np.argpartition(tie[members], k - 1)[:k]]
            best_parts.append(members)
        if not best_parts:
            continue
        best = np.concatenate(best_parts)
        edges += [(i, int(idx[b]), int(cost[b])) for b in best]
    return edges


def solve(
    villages: list[Village],
    cadres: list[Candidate],
    *,
    certify: bool = False,
    edges: list[tuple[int, int, int]] | None = None,
    rewards: list[int] | None = None,
) -> Result:
    from ortools.graph.python import min_cost_flow

    edges = build_edges(villages, cadres) if edges is None else edges
    rewards = [v.reward for v in villages] if rewards is None else rewards
    nc = len(cadres)
    source, sink = 0, 1
    cadre_node = 2
    village_node = 2 + nc
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs: list[tuple[int, int, int, int]] = [(source, cadre_node + j, 1, 0) for j in range(nc)]
    first_edge = len(arcs)
    arcs += [(cadre_node + j, village_node + i, 1, c) for i, j, c in edges]
    arcs += [(village_node + i, sink, 1, -rewards[i]) for i in range(len(villages))]
    arcs.append((source, sink, nc, 0))
    tails, heads, caps, costs = (list(col) for col in zip(*arcs, strict=True))
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64), np.array(costs, dtype=np.int64),
    )  # fmt: skip
    flow.set_node_supply(source, nc)
    flow.set_node_supply(sink, -nc)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    assignment: dict[str, int] = {}
    cost: dict[str, int] = {}
    for e, (i, j, c) in enumerate(edges):
        if flow.flow(first_edge + e) > 0:
            assignment[villages[i].code] = cadres[j].id
            cost[villages[i].code] = c
    had_candidates = {i for i, _, _ in edges}
    uncovered = {}
    for i, v in enumerate(villages):
        if v.code not in assignment:
            uncovered[v.code] = (
                "没有符合条件的候选人：本县、本市(州)和省直单位中符合条件的干部都不在候选范围内"
                if i not in had_candidates
                else "候选人已全部派往优先级更高或匹配更好的村，候选人数不足"
            )
    result = Result(assignment, cost, uncovered, int(flow.optimal_cost()), len(edges), edges=edges)
    if certify:
        result.lp_objective = lp_optimum(villages, cadres, edges, rewards)
    return result


REWARD_YOUNG_SLOT, REWARD_SLOT = 300, 200


def solve_residents(
    villages: list[Village],
    cadres: list[Candidate],
    ages: dict[int, int],
    *,
    team_min: int,
    young_age: int,
    young_first_secretary: dict[str, bool],
    certify: bool = False,
    filled: dict[str, tuple[int, bool]] | None = None,
) -> Result:
    """Resident cadres completing each village's team: team_min − 1 slots; when the first secretary is not under
    young_age, one slot only a young cadre may fill. Still a min-cost flow (slots are nodes), so no CP-SAT is needed
    for these two rules. Assignment keys are "village/slot". ``filled``: village → (resident cadres already in
    post who stay, whether one of them is young): they take that many slots, and the young slot if young."""
    slots: list[Village] = []
    young_slot: list[bool] = []
    filled = filled or {}
    for v in villages:
        present, present_young = filled.get(v.code, (0, False))
        n = max(team_min - 1 - present, 0)
        needs_young = not young_first_secretary.get(v.code, False) and not present_young
        for k in range(n):
            slots.append(Village(f"{v.code}/{k}", v.kinds, v.top_priority))
            young_slot.append(needs_young and k == 0)
    young_idx = [j for j, c in enumerate(cadres) if ages.get(c.id, 99) < young_age]
    young_cadres = [cadres[j] for j in young_idx]
    ys = [i for i, y in enumerate(young_slot) if y]
    os_ = [i for i, y in enumerate(young_slot) if not y]
    edges = [(ys[i], young_idx[j], c) for i, j, c in build_edges([slots[i] for i in ys], young_cadres)]
    edges += [(os_[i], j, c) for i, j, c in build_edges([slots[i] for i in os_], cadres)]
    rewards = [REWARD_YOUNG_SLOT if y else REWARD_SLOT for y in young_slot]
    return solve(slots, cadres, certify=certify, edges=edges, rewards=rewards)


def lp_optimum(
    villages: list[Village],
    cadres: list[Candidate],
    edges: list[tuple[int, int, int]],
    rewards: list[int] | None = None,
) -> float:
    """The same network as a linear program with GLOP: the certificate of optimality of the flow solution."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0, 1, "") for _ in edges]
    by_cadre: dict[int, list[int]] = {}
    by_village: dict[int, list[int]] = {}
    for e, (i, j, _) in enumerate(edges):
        by_cadre.setdefault(j, []).append(e)
        by_village.setdefault(i, []).append(e)
    for es in by_cadre.values():
        solver.Add(sum(x[e] for e in es) <= 1)
    for es in by_village.values():
        solver.Add(sum(x[e] for e in es) <= 1)
    objective = solver.Objective()
    rewards = [v.reward for v in villages] if rewards is None else rewards
    for e, (i, _, c) in enumerate(edges):
        objective.SetCoefficient(x[e], c - rewards[i])
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("LP certificate failed")
    return float(objective.Value())
