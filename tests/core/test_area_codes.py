import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.core import codes


def test_levels_of_padded_codes():
    assert codes.level_of("52") == codes.PROVINCE
    assert codes.level_of("520500000000") == codes.PREFECTURE
    assert codes.level_of("520526") == codes.COUNTY
    assert codes.level_of("520526004") == codes.TOWNSHIP
    assert codes.level_of("520526004201") == codes.VILLAGE


def test_range_covers_exactly_the_descendants():
    assert codes.code_range("520526") == ("520526000000", "520526999999")
    assert codes.contains("520526", "520526004201")
    assert not codes.contains("520526", "520527000000")


def test_ancestors_top_first():
    assert codes.ancestor_codes("520526004201") == [
        "520000000000",
        "520500000000",
        "520526000000",
        "520526004000",
    ]


@pytest.mark.parametrize("bad", ["", "5", "520", "52052600420", "5205260042011", "52a526", "５２"])
def test_bad_codes_are_refused_in_chinese(bad):
    with pytest.raises(codes.AreaCodeError, match="区划代码"):
        codes.normalize(bad)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_code_lies_inside_each_ancestor_range(code):
    level = codes.level_of(code)
    for up in codes.ancestor_codes(code, level):
        lo, hi = codes.code_range(up)
        assert lo <= code <= hi
    lo, hi = codes.code_range(code, level)
    assert lo <= code <= hi
