"""The synthetic province's helping units bear real-sounding names by level and kind, unique within their area."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import numpy as np

from fupin.areas.loader import AreaRow
from fupin.synth.cadres import _units, short_name, unit_names


def test_units_are_named_by_kind_and_unique_within_their_area():
    areas = [
        AreaRow("520000000000", "贵州省", 1, "province", None),
        AreaRow("520500000000", "毕节市", 2, "prefecture", "520000000000"),
        AreaRow("520526000000", "威宁彝族回族苗族自治县", 3, "county", "520500000000"),
        AreaRow("522600000000", "黔东南苗族侗族自治州", 2, "prefecture", "520000000000"),
        AreaRow("522633000000", "从江县", 3, "county", "522600000000"),
    ]
    plan = SimpleNamespace(areas=areas, counties={"520526": None, "522633": None})
    units = _units(plan, np.random.default_rng(7)).to_pylist()  # type: ignore[arg-type]
    assert not [u["name"] for u in units if "单位" in u["name"] or any(ch.isdigit() for ch in u["name"])]
    assert max(Counter((u["area_code"], u["name"]) for u in units).values()) == 1
    weining = [u for u in units if u["area_code"] == "520526000000"]
    assert all(u["name"].startswith(("威宁县", "共青团威宁县", "中国", "贵州")) for u in weining)
    organs = {u["name"] for u in units if u["kind"] == "党政机关" and u["level"] == "省"}
    assert organs
    assert all("贵州省" in n for n in organs)
    enterprises = {u["name"] for u in units if u["kind"] == "国有企业"}
    assert enterprises
    assert all(n.startswith(("中国", "贵州")) or "公司" in n or "集团" in n for n in enterprises)
    assert any(u["name"].startswith("黔东南州") for u in units if u["area_code"] == "522600000000")


def test_short_names_and_the_fallback_when_a_list_runs_out():
    assert short_name("黔西南布依族苗族自治州", "市") == "黔西南州"
    assert short_name("三都水族自治县", "县") == "三都县"
    assert short_name("毕节市", "市") == "毕节市"
    names = unit_names("县", "国有企业", "从江县", np.random.default_rng(1))
    assert len(names) == len(set(names))
    assert "从江县农村信用合作联社" in names
    first = len([n for n in names if "分部" not in n])
    assert all("第" in n and "分部" in n for n in names[first:])
