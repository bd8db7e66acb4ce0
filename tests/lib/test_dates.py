from datetime import date

import pytest

from fupin.lib.dates import months_before


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 3), 6, date(2026, 6, 3)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2024, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 3, 15), 3, date(2025, 12, 15)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected
