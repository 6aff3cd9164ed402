"""CPF numbers: check digits, formatting and unique vectorised generation; CNPJ formatting."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo.text import ascii_digits, fixed_width_strings

_BASE_LOW = 100_000_000  # bases start at 100.000.000 so every CPF has nine significant digits
_BASE_SPAN = 900_000_000
_REPEATED_DIGITS = np.array([digit * 111_111_111 for digit in range(1, 10)], dtype=np.int64)


def cpf_check_digits(base: np.ndarray | int) -> np.ndarray:
    """The two check digits (as one number, 0 to 99) of each nine-digit CPF base."""
    bases = np.atleast_1d(np.asarray(base, dtype=np.int64))
    digits = (bases[:, None] // 10 ** np.arange(8, -1, -1, dtype=np.int64)) % 10
    first = _check_digit((digits * np.arange(10, 1, -1)).sum(axis=1))
    second = _check_digit((digits * np.arange(11, 2, -1)).sum(axis=1) + first * 2)
    return first * 10 + second


def _check_digit(weighted_sum: np.ndarray) -> np.ndarray:
    remainder = weighted_sum % 11
    return np.where(remainder < 2, 0, 11 - remainder)


def cpf_numbers(base: np.ndarray) -> np.ndarray:
    """The full eleven-digit CPF (base followed by its check digits), as integers."""
    return np.asarray(base, dtype=np.int64) * 100 + cpf_check_digits(base)


def format_cpf(numbers: np.ndarray) -> pl.Series:
    """'111.111.111-11' for each eleven-digit CPF number."""
    digits = ascii_digits(np.asarray(numbers, dtype=np.int64), 11)
    rows = np.empty((len(digits), 14), dtype=np.uint8)
    rows[:, 0:3] = digits[:, 0:3]
    rows[:, 3] = ord(".")
    rows[:, 4:7] = digits[:, 3:6]
    rows[:, 7] = ord(".")
    rows[:, 8:11] = digits[:, 6:9]
    rows[:, 11] = ord("-")
    rows[:, 12:14] = digits[:, 9:11]
    return fixed_width_strings(rows)


class CpfSequence:
    """Distinct CPF bases for people 0, 1, 2, ... of one generated population.

    Person i gets base 100000000 + (a*i + b) mod 900000000 with a coprime to 900000000: a bijection,
    so no two people share a CPF. b is moved until no person gets a repeated-digit base
    (111.111.111-11 passes the checksum but every validator rejects it)."""

    def __init__(self, rng: np.random.Generator, population: int) -> None:
        if population > _BASE_SPAN - len(_REPEATED_DIGITS):
            raise ValueError(f"at most {_BASE_SPAN - len(_REPEATED_DIGITS)} distinct CPFs")
        multiplier = int(rng.integers(_BASE_SPAN // 3, _BASE_SPAN))
        while np.gcd(multiplier, _BASE_SPAN) != 1:
            multiplier += 1
        inverse = pow(multiplier, -1, _BASE_SPAN)
        shift = int(rng.integers(0, _BASE_SPAN))
        while True:
            # Which person would receive each repeated-digit base under this shift?
            preimages = [
                (int(value) - _BASE_LOW - shift) * inverse % _BASE_SPAN
                for value in _REPEATED_DIGITS
            ]
            if min(preimages) >= population:
                break
            shift += 1
        self.multiplier = multiplier
        self.shift = shift

    def bases(self, person_index: np.ndarray) -> np.ndarray:
        index = np.asarray(person_index, dtype=np.int64)
        return _BASE_LOW + (self.multiplier * index + self.shift) % _BASE_SPAN


_CNPJ_FIRST_WEIGHTS = np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
_CNPJ_SECOND_WEIGHTS = np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


def format_cnpj(base: np.ndarray) -> pl.Series:
    """'12.345.678/0001-95' for each eight-digit company base (head office 0001)."""
    twelve = np.asarray(base, dtype=np.int64) * 10_000 + 1
    digits = ascii_digits(twelve, 12).astype(np.int64) - ord("0")
    first = _check_digit((digits * _CNPJ_FIRST_WEIGHTS).sum(axis=1))
    second = _check_digit((digits * _CNPJ_SECOND_WEIGHTS[:-1]).sum(axis=1) + first * 2)
    all_digits = ascii_digits(twelve * 100 + first * 10 + second, 14)
    rows = np.empty((len(twelve), 18), dtype=np.uint8)
    rows[:, 0:2] = all_digits[:, 0:2]
    rows[:, 2] = ord(".")
    rows[:, 3:6] = all_digits[:, 2:5]
    rows[:, 6] = ord(".")
    rows[:, 7:10] = all_digits[:, 5:8]
    rows[:, 10] = ord("/")
    rows[:, 11:15] = all_digits[:, 8:12]
    rows[:, 15] = ord("-")
    rows[:, 16:18] = all_digits[:, 12:14]
    return fixed_width_strings(rows)
