"""Assessment rules (压实责任), as Ibis expressions identical on every engine.

- ``score``: a scheme's results. Each indicator's value becomes a score of 0–100 by its method, then points =
  weight × score / 100; the total is the sum of points (2 decimals). 《关于建立市县党政领导班子脱贫攻坚“下抓两级”
  “下考两级”机制的意见》（中共贵州省委办公厅，2017 年）: 市(州)考核极贫乡镇，县(市、区)考核深度贫困村；用好考核
  “指挥棒”.

  - ``relative`` (极差法): the best value of the assessed set scores 100, the worst 0, the rest by their distance
    (all equal: 100).
  - ``target`` (达标法): reaching the target scores 100; short of it, in proportion (higher-better: value ÷ target;
    lower-better: target ÷ value, 0 when the target is 0).
  - ``deduct`` (扣分法, lower-better counts such as violations): 100 − step × value, not below 0.
  - a missing value scores 0 (无数据不得分).
  - ``veto`` (一票否决): a value past the line (below it when higher is better, above it otherwise) ranks the area
    below every area without a veto, whatever its total.

  Ranks are 1 = best (ties share the rank); the bottom are the areas whose rank counted from the end is within the
  scheme's ``bottom`` (ties at the line are all flagged) — none when the scheme ranks no more areas than that.
- ``unit_grades``: a helping unit's yearly grade. The score is its posted cadres' mean year score; 一等奖 / 二等奖 /
  三等奖 from the grade lines, else 未获奖. The seed article (《贵州：抓好党建促脱贫 感恩奋进奔小康》, 2018):
  所选派的第一书记和驻村干部县乡村评议不好、群众反映差、帮扶成效不好的，单位年度目标考核不能评为一等奖 — a
  first class is lowered to 二等奖 when a cadre is rated 基本称职 or worse, when a cadre's masses' score is below
  the line, or when a village the unit helps is at the bottom of the year's village assessment; each cap is a row
  of the caps table.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

SCHEMES = pa.schema([("scheme", pa.int64()), ("bottom", pa.int32())])
AREAS = pa.schema([("scheme", pa.int64()), ("area_code", pa.string())])
VALUES = pa.schema(
    [("scheme", pa.int64()), ("area_code", pa.string()), ("indicator", pa.int32()), ("value", pa.float64())]
)  # fmt: skip
INDICATORS = pa.schema(
    [("scheme", pa.int64()), ("indicator", pa.int32()), ("weight", pa.float64()), ("higher_better", pa.bool_()),
     ("method", pa.string()), ("target", pa.float64()), ("step", pa.float64()), ("veto", pa.float64())]
)  # fmt: skip
PARTS = ("scheme", "area_code", "indicator", "value", "score", "points", "vetoed")
TOTALS = ("scheme", "area_code", "total", "rank", "bottom", "vetoes")

UNIT_CADRES = pa.schema(
    [("unit_id", pa.string()), ("posting_id", pa.int64()), ("village_code", pa.string()), ("score", pa.float64()),
     ("grade", pa.string()), ("masses", pa.float64())]
)  # fmt: skip
BOTTOM_VILLAGES = pa.schema([("village_code", pa.string())])
GRADES = ("一等奖", "二等奖", "三等奖", "未获奖")
POOR_GRADES = ("基本称职", "不称职")
CAPS = ("poor_rating", "masses", "bottom_village")


HALF_UP = 1e-9  # a half-cent held in binary just below .5 (15.235 → 15.2349999…) rounds up on every engine


def cents(x: ir.NumericValue) -> ir.FloatingValue:
    """``x`` (never negative here) to the cent, half up, identically on every engine: DuckDB and Spark round the
    binary value (15.235 → 15.23), SQLite and PostgreSQL's numeric the decimal one (→ 15.24)."""
    return (x + HALF_UP).round(2)


def _clip(x: ir.FloatingValue) -> ir.FloatingValue:
    return ibis.greatest(ibis.least(x, 100.0), 0.0)


def parts(areas: ir.Table, values: ir.Table, indicators: ir.Table) -> ir.Table:
    """Every (scheme × assessed area × indicator) with its value, score (0–100), points and whether it vetoes."""
    grid = areas.join(indicators, "scheme")
    t = grid.left_join(
        values,
        [grid.scheme == values.scheme, grid.area_code == values.area_code, grid.indicator == values.indicator],
    )
    t = t.select(
        scheme=grid.scheme, area_code=grid.area_code, indicator=grid.indicator, value=values.value, weight=grid.weight,
        higher_better=grid.higher_better, method=grid.method, target=grid.target, step=grid.step, veto=grid.veto,
    )  # fmt: skip
    w = ibis.window(group_by=[t.scheme, t.indicator])
    lo, hi = t.value.min().over(w), t.value.max().over(w)
    v, target = t.value, t.target
    relative = ibis.cases(
        (hi == lo, 100.0),
        (t.higher_better, 100.0 * (v - lo) / (hi - lo)),
        else_=100.0 * (hi - v) / (hi - lo),
    )
    reached = ibis.cases((t.higher_better, v >= target), else_=v <= target)
    short = ibis.cases(
        (t.higher_better, 100.0 * ibis.greatest(v, 0.0) / target),
        (target > 0, 100.0 * target / v),
        else_=0.0,
    )
    by_target = ibis.cases((reached, 100.0), else_=short)
    deduct = 100.0 - t.step * v
    raw = ibis.cases(
        (v.isnull(), 0.0),
        (t.method == "relative", relative),
        (t.method == "target", by_target),
        else_=deduct,
    )
    score = cents(_clip(raw.cast("float64")))
    vetoed = ibis.cases(
        (t.veto.isnull() | v.isnull(), False),
        (t.higher_better, v < t.veto),
        else_=v > t.veto,
    )
    return t.select(
        "scheme", "area_code", "indicator", "value", score=score, points=cents(t.weight * score / 100.0),
        vetoed=vetoed,
    )  # fmt: skip


def score(schemes: ir.Table, areas: ir.Table, values: ir.Table, indicators: ir.Table) -> tuple[ir.Table, ir.Table]:
    """(parts, totals) of every scheme over its assessed ``areas`` at once (ranks within each scheme; its
    ``bottom`` from ``schemes``): see the module's doc."""
    p = parts(areas, values, indicators)
    s = p.group_by(["scheme", "area_code"]).aggregate(total=cents(p.points.sum()), vetoes=p.vetoed.cast("int32").sum())
    s = s.mutate(vetoed=(s.vetoes > 0).cast("int32"))
    best_first = ibis.window(group_by=s.scheme, order_by=[s.vetoed.asc(), s.total.desc()])
    worst_first = ibis.window(group_by=s.scheme, order_by=[s.vetoed.desc(), s.total.asc()])
    s = s.mutate(
        rank=(ibis.rank().over(best_first) + 1).cast("int32"),
        from_end=ibis.rank().over(worst_first),
        ranked=s.area_code.count().over(ibis.window(group_by=s.scheme)),
    )
    s = s.join(schemes, "scheme")
    bottom = (s.from_end < s.bottom) & (s.ranked > s.bottom)  # no more areas than the bottom count: nobody is last
    totals = s.select("scheme", "area_code", "total", "rank", bottom=bottom, vetoes=s.vetoes.cast("int32"))
    return p, totals


def unit_grades(
    cadres: ir.Table,
    bottom_villages: ir.Table,
    *,
    grade_min: tuple[float, float, float],
    masses_min: float,
) -> tuple[ir.Table, ir.Table]:
    """(grades, caps): per unit its cadres, score, earned and final grade; per unit and cap the value that hit."""
    first, second, third = (float(x) for x in grade_min)
    g = cadres.group_by("unit_id").aggregate(
        cadres=cadres.posting_id.nunique().cast("int32"), score=cadres.score.mean()
    )
    earned = ibis.cases(
        (g.score.isnull(), GRADES[3]),
        (g.score >= first, GRADES[0]),
        (g.score >= second, GRADES[1]),
        (g.score >= third, GRADES[2]),
        else_=GRADES[3],
    )
    g = g.mutate(score=cents(g.score), earned=earned)

    poor = cadres.filter(cadres.grade.isin(POOR_GRADES))
    c1 = poor.group_by("unit_id").aggregate(value=poor.posting_id.nunique().cast("float64"))
    c1 = c1.mutate(cap=ibis.literal(CAPS[0]))
    low = cadres.filter(cadres.masses.notnull() & (cadres.masses < masses_min))
    c2 = low.group_by("unit_id").aggregate(value=low.masses.min())
    c2 = c2.mutate(cap=ibis.literal(CAPS[1]))
    helped = cadres.select("unit_id", "village_code").distinct()
    at_bottom = helped.semi_join(bottom_villages, "village_code")
    c3 = at_bottom.group_by("unit_id").aggregate(value=at_bottom.village_code.nunique().cast("float64"))
    c3 = c3.mutate(cap=ibis.literal(CAPS[2]))
    caps = ibis.union(c1, c2, c3).select("unit_id", "cap", "value")

    capped = caps.select("unit_id").distinct().mutate(capped=ibis.literal(True))
    t = g.left_join(capped, "unit_id")
    grade = ibis.cases((t.capped.notnull() & (t.earned == GRADES[0]), GRADES[1]), else_=t.earned)
    grades = t.select("unit_id", "cadres", "score", "earned", grade=grade)
    return grades, caps


FACTS = pa.schema(
    [("village_code", pa.string()), ("key", pa.string()), ("num", pa.float64()), ("den", pa.float64())]
)  # fmt: skip


def rollup(facts: ir.Table, areas: ir.Table, *, digits: int) -> ir.Table:
    """Per-village facts summed to the assessed areas (their first ``digits`` code digits): a share in percent
    (100 × Σnum ÷ Σden) where the fact has a denominator, else the count Σnum. Areas without a fact get no row."""
    f = facts.mutate(prefix=facts.village_code.substr(0, digits))
    a = areas.mutate(prefix=areas.area_code.substr(0, digits))
    t = f.join(a, "prefix")
    g = t.group_by([t.area_code, t.key]).aggregate(num=t.num.sum(), den=t.den.sum(), shares=t.den.count())
    value = ibis.cases((g.shares == 0, g.num), (g.den > 0, 100.0 * g.num / g.den), else_=ibis.null("float64"))
    return g.select("area_code", "key", value=value.cast("float64"))


# ------------------------------------------------------------------------------------------------ stability
# 《关于加强贫困县党政领导班子建设的意见》及贵州省规定：贫困县党政正职保持稳定，不脱贫不调整、不摘帽不调整；
# 确需调整的，报省委组织部审批. Days are integers (days since 1970-01-01).

HEAD_POSTS_ENDED = pa.schema(
    [("area_code", pa.string()), ("post", pa.string()), ("end_day", pa.int32())]
)  # fmt: skip
POOR_SPANS = pa.schema([("area_code", pa.string()), ("first_day", pa.int32()), ("last_day", pa.int32())])
APPROVALS = pa.schema([("area_code", pa.string()), ("post", pa.string()), ("day", pa.int32())])
HEADS = ("party_secretary", "government_head")


def stability_flags(ended: ir.Table, poor: ir.Table, approvals: ir.Table) -> ir.Table:
    """The Party secretaries' and government heads' posts that ended while their county was a poor county (the
    end day inside a year it was classified poor) without the province's approval of that change: area_code,
    post, end_day."""
    heads = ended.filter(ended.post.isin(HEADS) & ended.end_day.notnull())
    hit = heads.join(
        poor, [heads.area_code == poor.area_code, heads.end_day >= poor.first_day, heads.end_day <= poor.last_day]
    ).select(heads.area_code, heads.post, heads.end_day)
    hit = hit.distinct()
    return hit.anti_join(
        approvals, [hit.area_code == approvals.area_code, hit.post == approvals.post, hit.end_day == approvals.day]
    )


# ------------------------------------------------------------------------------------------------ 述职评议
# 《党委（党组）书记抓基层党建工作述职评议考核办法》: 评议分“好、较好、一般、差”四个等次. The score is the
# votes' weighted mean (a vote's weight by its grade, parameters); the grade follows the score's lines.

VOTES = pa.schema(
    [("area_code", pa.string()), ("good", pa.int32()), ("fairly_good", pa.int32()), ("average", pa.int32()),
     ("poor", pa.int32())]
)  # fmt: skip
DEBRIEF_GRADES = ("好", "较好", "一般", "差")


def debriefings(
    votes: ir.Table, *, weights: tuple[float, float, float, float], lines: tuple[float, float, float]
) -> ir.Table:
    """Per debriefing: votes, score (0–100, 2 decimals; null without votes) and grade (好 from ``lines[0]``, 较好
    from ``lines[1]``, 一般 from ``lines[2]``, else 差)."""
    w_good, w_fair, w_avg, w_poor = (float(w) for w in weights)
    total = votes.good + votes.fairly_good + votes.average + votes.poor
    weighted = votes.good * w_good + votes.fairly_good * w_fair + votes.average * w_avg + votes.poor * w_poor
    score = ibis.cases((total > 0, cents(weighted / total.cast("float64"))), else_=ibis.null("float64"))
    t = votes.select("area_code", votes=total.cast("int32"), score=score)
    good, fair, avg = (float(x) for x in lines)
    grade = ibis.cases(
        (t.score.isnull(), ibis.null("string")),
        (t.score >= good, DEBRIEF_GRADES[0]),
        (t.score >= fair, DEBRIEF_GRADES[1]),
        (t.score >= avg, DEBRIEF_GRADES[2]),
        else_=DEBRIEF_GRADES[3],
    )
    return t.mutate(grade=grade)
