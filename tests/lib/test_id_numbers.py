"""ID numbers (GB 11643): parsing, check digits, 15→18 upgrade, masking."""

import pytest

from fupin.lib.idnumbers import IdNumberError, mask, parse, upgrade_15
from tests.factories import person_ids


def test_a_valid_id_number_gives_birth_date_and_sex():
    pid = person_ids("520526", 1)[0]
    parsed = parse(pid)
    assert parsed.number == pid
    assert parsed.birth_date.isoformat() == "1970-01-01"
    assert parsed.sex == "男"


def test_wrong_checksum_is_refused_naming_the_right_digit():
    pid = person_ids("520526", 1)[0]
    wrong = pid[:17] + ("0" if pid[17] != "0" else "1")
    with pytest.raises(IdNumberError, match=f"校验码错误，末位应为 {pid[17]}"):
        parse(wrong)


@pytest.mark.parametrize("bad", ["52052619700101123", "5205261970010112345", "", "52052619700230123X"])
def test_wrong_length_empty_or_impossible_date_is_refused(bad):
    with pytest.raises(IdNumberError):
        parse(bad)


def test_fifteen_digit_numbers_are_upgraded():
    old = "520526700101123"
    new = upgrade_15(old)
    assert new.startswith("52052619700101123")
    assert parse(old).number == new


def test_lowercase_x_is_accepted_as_upper():
    from stdnum.cn import ric

    bodies = (f"52052619800101{k:03d}" for k in range(1000))
    body = next(b for b in bodies if ric.calc_check_digit(b + "0") == "X")
    assert parse(body + "x").number == body + "X"


def test_mask_keeps_first_six_and_last_four():
    assert mask("520526197001011234") == "520526********1234"
