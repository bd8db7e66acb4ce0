"""Indicator refresh timings inside Django (run by bench/run.py as a child with the database in the environment).

    python bench/refresh.py measure --repeat 3    → JSON: full refresh of the province and incremental refreshes
    python bench/refresh.py loop                  → incremental refreshes one after another until killed (the
                                                    dashboard benchmark runs it beside the load)

An incremental refresh is what the worker does after one household's change: its village is marked due, then the
refresh job recomputes the village and rolls up its township, county, prefecture and province from their children.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from fupin.registry.models import Household  # noqa: E402
from fupin.stats import services  # noqa: E402
from fupin.stats.models import IndicatorDue  # noqa: E402

PROVINCE = "520000000000"


def _villages(n: int) -> list[str]:
    ids = list(
        Household.objects.order_by("id").values_list("id", flat=True)[:: max(1, Household.objects.count() // 200)]
    )
    rng = random.Random(2017)  # noqa: S311 - a benchmark's sample, not a secret
    picked = rng.sample(ids, min(n, len(ids)))
    return list(Household.objects.filter(id__in=picked).values_list("village_id", flat=True))


def _incremental(village: str) -> float:
    IndicatorDue.objects.all().delete()
    IndicatorDue.objects.create(area_code=village)
    started = time.perf_counter()
    services.refresh_due()
    return time.perf_counter() - started


def measure(repeat: int) -> dict[str, object]:
    year = services.last_year_shown()
    full = []
    for _ in range(repeat):
        started = time.perf_counter()
        services.indicators_refresh(actor=None, area_code=PROVINCE, last_year=year, audited=False)
        full.append(time.perf_counter() - started)
    incremental = [_incremental(v) for v in _villages(max(5, repeat))]
    return {"full": full, "incremental": incremental, "households": Household.objects.count(), "year": year}


def loop(pause: float = 1.0) -> None:
    """One incremental refresh, then ``pause`` seconds, forever: a worker kept busy by a write every second or so
    somewhere in the province (≈ 86,000 a day, far above a provincial office's rate)."""
    villages = _villages(50)
    while True:
        for village in villages:
            _incremental(village)
            time.sleep(pause)


if __name__ == "__main__":
    if sys.argv[1:2] == ["loop"]:
        loop()
    else:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
        print(json.dumps(measure(repeat)))  # noqa: T201
