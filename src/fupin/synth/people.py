"""Vectorised synthetic people: valid 18-digit resident ID numbers (GB 11643) and Chinese names."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)

# Surnames common in Guizhou (Han and the Miao, Buyi, Dong, Yi, Tujia… peoples), roughly by frequency.
SURNAMES = list("杨王吴张李陈刘罗龙赵黄周潘韦石田胡蒙罗谢安余何徐朱宋邓袁冯彭肖陆罗韩付熊")
GIVEN = list("明华国建文军平志伟云芳英秀兰红梅玉珍丽春林德成永福海金贵富强勇清正光荣发忠先世光")


def check_digits(body: np.ndarray) -> np.ndarray:
    """Check characters (ASCII codes) for an (N, 17) array of digit values 0..9."""
    return CHECK_CHARS[(body.astype(np.int64) @ WEIGHTS) % 11]


def id_numbers(county: str, birth: np.ndarray, sequence: np.ndarray) -> pa.Array:
    """ID numbers for people born in ``county`` on ``birth`` (datetime64[D]) with 3-digit ``sequence``.

    The sequence's last digit is odd for men and even for women; the caller chooses it.
    """
    n = len(birth)
    body = np.empty((n, 17), dtype=np.uint8)
    body[:, :6] = np.frombuffer(county.encode(), dtype=np.uint8) - 48
    ymd = np.datetime_as_string(birth.astype("datetime64[D]"), unit="D").astype("S10")
    chars = ymd.view(np.uint8).reshape(n, 10)
    body[:, 6:10] = chars[:, 0:4] - 48
    body[:, 10:12] = chars[:, 5:7] - 48
    body[:, 12:14] = chars[:, 8:10] - 48
    seq = sequence.astype(np.int64)
    body[:, 14] = seq // 100
    body[:, 15] = (seq // 10) % 10
    body[:, 16] = seq % 10
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, :17] = body + 48
    out[:, 17] = check_digits(body)
    return pa.array(out.reshape(-1).view("S18").astype(object)).cast(pa.string())


def unique_sequences(
    rng: np.random.Generator, birth: np.ndarray, male: np.ndarray, block: tuple[int, int] = (0, 380)
) -> np.ndarray:
    """3-digit sequence numbers, odd for men, even for women, unique per birth date within one county.

    ``block`` is the range of sequence pairs to draw from (0..500): the registered poor use 0–379, the surveyed
    non-registered households 380–439 and cadres 440–499, so the groups never collide.
    """
    lo, hi = block
    days = birth.astype("datetime64[D]").astype(np.int64)
    seq = rng.integers(lo, hi, size=len(days)) * 2 + male.astype(np.int64)
    for _ in range(50):
        key = days * 1000 + seq
        _, first = np.unique(key, return_index=True)
        dup = np.ones(len(key), dtype=bool)
        dup[first] = False
        if not dup.any():
            return seq
        seq[dup] = rng.integers(lo, hi, size=int(dup.sum())) * 2 + male[dup].astype(np.int64)
    raise RuntimeError("could not find unique ID sequence numbers (a county with too many people per day)")


def surname_indices(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, len(SURNAMES), n)


def names(rng: np.random.Generator, surname_idx: np.ndarray) -> pa.Array:
    """Names with the given surnames (indices into SURNAMES) and random one- or two-character given names."""
    n = len(surname_idx)
    surname = pa.array(np.array(SURNAMES, dtype=object)[surname_idx], pa.string())  # typed even when empty
    g1 = pa.array(np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), n)], pa.string())
    g2 = np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), n)]
    g2[rng.random(n) < 0.3] = ""  # about a third have one-character given names
    return pc.binary_join_element_wise(surname, g1, pa.array(g2, pa.string()), "")


def valid_id(number: str) -> bool:
    """Reference check (scalar) used by the tests: format, date and checksum."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    body = np.frombuffer(number[:17].encode(), dtype=np.uint8) - 48
    return bool(chr(int(check_digits(body[None, :])[0])) == number[17].upper())
