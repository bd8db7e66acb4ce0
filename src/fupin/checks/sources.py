"""What a check run reads: the registry's and the departments' canonical tables for one area."""

from __future__ import annotations

import pyarrow as pa

from fupin.external.tables import external_tables
from fupin.registry.tables import registry_tables


def live_tables(area_code: str) -> dict[str, pa.Table]:
    """Every canonical table the rules read, bounded to the area where the table is area-bound."""
    return {**registry_tables(area_code), **external_tables(area_code)}
