"""贫困村退出 (POLICY §3): incidence below the western line (3 %) where the village's rural population is known.

The infrastructure and collective-economy conditions are not recorded in fupin yet and are said to be missing,
never guessed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def village_exit_verdict(values: Mapping[str, float], *, incidence_limit: float) -> dict[str, Any]:
    """``values``: the village's indicators of the year (percent); ``incidence_limit``: the line in percent."""
    value = values.get("incidence")
    items = [
        {"key": "incidence", "title": "贫困发生率", "value": value, "limit": incidence_limit, "op": "<",
         "ok": None if value is None else value < incidence_limit},
        {"key": "infrastructure", "title": "道路、饮水、用电、卫生室、集体经济", "value": None, "limit": None, "op": "",
         "ok": None},
    ]  # fmt: skip
    if value is not None and value >= incidence_limit:
        return {"items": items, "verdict": "不符合退出条件", "ok": False}
    return {"items": items, "verdict": "数据不全，暂不能判定", "ok": False}
