"""CPF and CNPJ: parsing (digits or formatted), check digits and masking (docs/serasa.md).

A document never appears in clear in a message or a repr: only its masked form
(***.456.789-** for a CPF, **.222.333/0001-** for a CNPJ)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TipoPessoa = Literal["PF", "PJ"]

_ALLOWED = re.compile(r"[0-9.\-/ ]+")
_LENGTHS: dict[int, TipoPessoa] = {11: "PF", 14: "PJ"}
_NAMES = {"PF": "CPF", "PJ": "CNPJ"}
_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


class InvalidDocument(ValueError):
    """Not a valid CPF or CNPJ; the message (Portuguese) shows the document masked, if at all."""


@dataclass(frozen=True, repr=False)
class Document:
    digits: str
    tipo_pessoa: TipoPessoa

    def __repr__(self) -> str:
        return f"Document({masked(self)}, {self.tipo_pessoa})"


def parse_document(text: str) -> Document:
    """A CPF (11 digits) or CNPJ (14 digits), with or without its punctuation."""
    if not _ALLOWED.fullmatch(text.strip()):
        raise InvalidDocument(
            "Documento inválido: use só dígitos, com ou sem a pontuação de CPF ou CNPJ"
        )
    digits = re.sub(r"\D", "", text)
    tipo = _LENGTHS.get(len(digits))
    if tipo is None:
        raise InvalidDocument(
            f"Documento com {len(digits)} dígitos inválido: um CPF tem 11 e um CNPJ 14"
        )
    document = Document(digits, tipo)
    name = _NAMES[tipo]
    if len(set(digits)) == 1:
        raise InvalidDocument(f"{name} {masked(document)} inválido: todos os dígitos são iguais")
    if digits[-2:] != _check_digits(digits[:-2], tipo):
        raise InvalidDocument(
            f"{name} {masked(document)} inválido: dígitos verificadores não conferem"
        )
    return document


def masked(document: Document) -> str:
    """The document as screens and messages may show it: ***.456.789-** or **.222.333/0001-**."""
    d = document.digits
    if document.tipo_pessoa == "PF":
        return f"***.{d[3:6]}.{d[6:9]}-**"
    return f"**.{d[2:5]}.{d[5:8]}/{d[8:12]}-**"


def _check_digits(base: str, tipo: TipoPessoa) -> str:
    """The two mod-11 check digits of a CPF (9-digit base) or CNPJ (12-digit base)."""
    for _ in range(2):
        # CPF: weights 10..2 (then 11..2); CNPJ: 5,4,3,2,9..2 (then 6,5,4,3,2,9..2).
        weights = range(len(base) + 1, 1, -1) if tipo == "PF" else _CNPJ_WEIGHTS[-len(base) :]
        remainder = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
        base += "0" if remainder < 2 else str(11 - remainder)
    return base[-2:]
