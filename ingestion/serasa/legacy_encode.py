"""Renders a JSON-API response document as legacy B49C answer parts (for tests and demo data).

The inverse of `ingestion.serasa.legacy` on the subset both formats carry (docs/serasa.md):
identity, N240 (pefin `V`, refin `I`, dívidas vencidas `5`), N250 protests, N270 cheques, the score
as N500 (and optionally F900 REHM). Like the real protocol it keeps at most 5 details per kind,
cuts texts to their fields and writes ASCII uppercase without accents. Numeric fields are
right-aligned and zero-padded, alpha fields left-aligned and blank-padded; every record is exactly
115 bytes and the protocol exactly 400.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from ingestion.serasa.legacy import (
    PARTIAL_MESSAGE,
    PROTOCOL_LENGTH,
    RECORD_LENGTH,
    STATUS_PF,
    STATUS_PJ,
)

DETAIL_LIMIT = 5  # details per kind the legacy string carries
NOTHING_FOUND = "NADA CONSTA"

# JSON negativeData block → (its list key, N240 TP ANOTACAO)
PENDENCY_KINDS = {
    "pefin": ("pefinResponse", "V"),
    "refin": ("refinResponse", "I"),
    "collectionRecords": ("collectionRecordsResponse", "5"),
}


def encode_answer(
    document: dict,
    *,
    queried_at: datetime,
    records_per_part: int = 31,
    include_f900: bool = False,
) -> list[str]:
    """The answer's parts; each holds at most records_per_part records, its T999 included."""
    if records_per_part < 2:
        raise ValueError("records_per_part must leave room for a record and the T999")
    report = document["reports"][0]
    registration = report.get("registration") or report.get("identificationReport") or {}
    person_type = "J" if "companyDocument" in registration or "companyName" in registration else "F"
    digits = "".join(
        char
        for char in str(registration.get("companyDocument") or registration["documentNumber"])
        if char.isdigit()
    )
    negative = report.get("negativeData") or {}
    records = [
        *_identity_records(registration, person_type),
        *_pendency_records(negative),
        *_protest_records(negative.get("notary")),
        *_check_records(negative.get("check")),
        *_score_records(report.get("score"), include_f900),
    ]
    per_part = records_per_part - 1
    chunks = [records[start : start + per_part] for start in range(0, len(records), per_part)]
    chunks = chunks or [[]]
    parts = []
    for index, chunk in enumerate(chunks):
        final = index == len(chunks) - 1
        protocol = _protocol(digits, person_type, "FIM" if final else "CON", queried_at)
        trailer = _record(
            "T999", [(5, _num(0, 3)), (8, _alpha("" if final else PARTIAL_MESSAGE, 70))]
        )
        parts.append(protocol + "".join(chunk) + trailer)
    return parts


def encode_archive(answers: list[list[str]]) -> bytes:
    """An archive file: every part on its own line, ISO-8859-1 (in fact ASCII)."""
    lines = [ascii_text(part) for parts in answers for part in parts]
    return ("\n".join(lines) + "\n").encode("latin-1")


def ascii_text(text: str) -> str:
    """One ASCII character per character (accents dropped, anything else a blank), so fixed
    widths survive."""
    return "".join(_ascii_char(char) for char in text)


def ascii_upper(text: str) -> str:
    return ascii_text(text).upper()


def _ascii_char(char: str) -> str:
    if char.isascii():
        return char
    base = "".join(
        part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
    )
    return base if len(base) == 1 and base.isascii() else " "


# ---------------------------------------------------------------------------------------------
# Fields and layouts


def _num(value: int | None, width: int) -> str:
    value = value or 0
    text = str(value)
    if value < 0 or len(text) > width:
        raise ValueError(f"{value} does not fit a {width}-digit numeric field")
    return text.zfill(width)


def _alpha(text: object, width: int) -> str:
    return ascii_upper("" if text is None else str(text))[:width].ljust(width)


def _cents(amount: object) -> int:
    return int((Decimal(str(amount or 0)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _money(amount: object) -> str:
    return _num(_cents(amount), 15)


def _day_month_year(iso: str | None) -> str:
    """ISO (YYYY-MM-DD, maybe with a time) → DDMMAAAA; none → zeros."""
    if not iso:
        return "00000000"
    return f"{iso[8:10]}{iso[5:7]}{iso[0:4]}"


def _month_year(iso: str | None) -> str:
    """ISO → MMAAAA; none → zeros."""
    return f"{iso[5:7]}{iso[0:4]}" if iso else "000000"


def _layout(length: int, fields: Iterable[tuple[int, str]]) -> str:
    """Blanks with each (1-based position, text) written in place."""
    chars = [" "] * length
    for position, text in fields:
        chars[position - 1 : position - 1 + len(text)] = text
    if len(chars) != length:
        raise ValueError(f"a field runs past the {length}-byte layout")
    return "".join(chars)


def _record(kind: str, fields: Iterable[tuple[int, str]]) -> str:
    """A 115-byte record; kind is the type and subtype, e.g. "N24000"."""
    return _layout(RECORD_LENGTH, [(1, kind), *fields])


def _protocol(digits: str, person_type: str, function: str, queried_at: datetime) -> str:
    return _layout(
        PROTOCOL_LENGTH,
        [
            (1, "B49C"),
            (11, _num(int(digits), 15)),
            (26, person_type),
            (27, _alpha("C", 6)),
            (33, "FI"),
            (35, _num(0, 7)),
            (54, "N"),  # CODIFICADO
            (55, "99"),  # QTD REG
            (57, "S"),  # CONVERSA
            (58, function),
            (61, "A"),  # TP CONSULTA
            (196, queried_at.strftime("%Y%m%d")),
            (204, queried_at.strftime("%H%M%S")),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Records


def _identity_records(registration: dict, person_type: str) -> list[str]:
    person = person_type == "F"
    name = registration.get("consumerName" if person else "companyName")
    born = registration.get("birthDate" if person else "foundationDate")
    records = []
    if name or born:
        records.append(
            _record(
                "N20000",
                [
                    (7, _alpha(name, 70)),
                    (77, _day_month_year(born)),
                    (85, _status_code(registration, person)),
                    (87, _day_month_year(registration.get("statusDate"))),
                ],
            )
        )
    if registration.get("motherName"):
        records.append(_record("N20001", [(7, _alpha(registration["motherName"], 40))]))
    return records


def _status_code(registration: dict, person: bool) -> str:
    """SIT DOCTO: the JSON's code, else the status text (PJ: the word after the last ':')."""
    code = registration.get("statusRegistrationCode")
    if code is None:
        text = str(registration.get("statusRegistration") or "").rsplit(":", 1)[-1].strip()
        codes = {status: code for code, status in (STATUS_PF if person else STATUS_PJ).items()}
        code = codes.get(ascii_upper(text))
    return "  " if code is None else _num(int(code), 2)


def _items(block: dict | None, list_key: str) -> list[dict]:
    return list((block or {}).get(list_key) or [])


def _count(block: dict, items: list[dict]) -> int:
    summary = block.get("summary") or {}
    return summary["count"] if summary.get("count") is not None else len(items)


def _total(block: dict, items: list[dict]) -> object:
    summary = block.get("summary") or {}
    if summary.get("balance") is not None:
        return summary["balance"]
    return sum(Decimal(str(item.get("amount") or 0)) for item in items)


def _occurrence_range(block: dict, items: list[dict]) -> tuple[str | None, str | None]:
    """First and last occurrence: the summary's, else the items' earliest and latest."""
    summary = block.get("summary") or {}
    dates = sorted(item["occurrenceDate"][:10] for item in items if item.get("occurrenceDate"))
    first = summary.get("firstOccurrence") or (dates[0] if dates else None)
    last = summary.get("lastOccurrence") or (dates[-1] if dates else None)
    return first, last


def _pendency_records(negative: dict) -> list[str]:
    """N240 for pefin, refin and dívidas vencidas; N240-99 when all present kinds are empty."""
    present = [name for name in PENDENCY_KINDS if name in negative]
    records = []
    for name in present:
        block = negative[name] or {}
        list_key, kind = PENDENCY_KINDS[name]
        items = _items(block, list_key)
        count = _count(block, items)
        if count == 0 and not items:
            continue
        for item in items[:DETAIL_LIMIT]:
            records += [_pendency_detail(item), _pendency_complement(item, kind)]
        first, last = _occurrence_range(block, items)
        records.append(
            _record(
                "N24090",
                [
                    (7, _num(count, 5)),
                    (12, _month_year(first)),
                    (18, _month_year(last)),
                    (24, _money(_total(block, items))),
                    (39, kind),
                ],
            )
        )
    if present and not records:
        records.append(_record("N24099", [(7, _alpha(NOTHING_FOUND, 40))]))
    return records


def _pendency_detail(item: dict) -> str:
    return _record(
        "N24000",
        [
            (7, _day_month_year(item.get("occurrenceDate"))),
            (15, _alpha(item.get("legalNature"), 30)),
            (45, "N" if item.get("principal", True) else "S"),
            (46, "R$ "),
            (49, _money(item.get("amount"))),
            (64, _alpha(item.get("contractId"), 16)),
            (80, _alpha(item.get("creditorName"), 30)),
        ],
    )


def _pendency_complement(item: dict, kind: str) -> str:
    dispute = item.get("dispute") or {}
    return _record(
        "N24001",
        [
            (7, "S" if dispute.get("disputeIndicativeFlag") else "N"),
            (8, _alpha(dispute.get("disputeMessagePt"), 76)),
            (84, kind),
            (85, _alpha(item.get("cadus"), 10)),
        ],
    )


def _protest_records(block: dict | None) -> list[str]:
    if block is None:
        return []
    items = _items(block, "notaryResponse")
    count = _count(block, items)
    if count == 0 and not items:
        return [_record("N25099", [(7, _alpha(NOTHING_FOUND, 40))])]
    records = [_protest_detail(item) for item in items[:DETAIL_LIMIT]]
    first, last = _occurrence_range(block, items)
    records.append(
        _record(
            "N25090",
            [
                (7, _num(count, 5)),
                (12, _month_year(first)),
                (18, _month_year(last)),
                (24, "R$ "),
                (27, _money(_total(block, items))),
            ],
        )
    )
    return records


def _protest_detail(item: dict) -> str:
    office = str(item.get("officeNumber") or "")
    return _record(
        "N25000",
        [
            (7, _day_month_year(item.get("occurrenceDate"))),
            (15, "R$ "),
            (18, _money(item.get("amount"))),
            (33, _num(int(office), 2) if office.isdigit() else _alpha(office, 2)),
            (35, _alpha(item.get("city"), 30)),
            (65, _alpha(item.get("federalUnit"), 2)),
        ],
    )


def _check_records(block: dict | None) -> list[str]:
    """N270: details and a total without value (the string carries none)."""
    if block is None:
        return []
    items = _items(block, "checkResponse")
    count = _count(block, items)
    if count == 0 and not items:
        return [_record("N27099", [(7, _alpha(NOTHING_FOUND, 40))])]
    records = [_check_detail(item) for item in items[:DETAIL_LIMIT]]
    first, last = _occurrence_range(block, items)
    records.append(
        _record(
            "N27090",
            [
                (7, _num(count, 5)),
                (12, _day_month_year(first)),
                (20, _day_month_year(last)),
                (28, _num(0, 3)),
                (31, _num(0, 4)),
            ],
        )
    )
    return records


def _check_detail(item: dict) -> str:
    return _record(
        "N27000",
        [
            (7, _day_month_year(item.get("occurrenceDate"))),
            (15, _alpha(item.get("checkNumber"), 10)),
            (25, _num(item.get("alinea"), 5)),
            (30, _num(item.get("checkCount"), 5)),
            (35, _money(item.get("amount"))),
            (50, _num(item.get("bankId"), 3)),
            (53, _alpha(item.get("bankName"), 14)),
            (67, _num(item.get("bankAgencyId"), 4)),
            (71, _alpha(item.get("city"), 30)),
            (101, _alpha(item.get("federalUnit"), 2)),
            (103, _alpha(item.get("cadus"), 10)),
        ],
    )


def _score_records(score: dict | None, include_f900: bool) -> list[str]:
    """N500 (and F900 REHM) from the JSON score; a "not found" score (no model, no points,
    e.g. codeMessage 404) gives no record."""
    if not score or (score.get("scoreModel") is None and score.get("score") is None):
        return []
    points = score.get("score")
    code_message = score.get("codeMessage")
    code_field = _num(int(code_message), 6) if code_message is not None else _alpha("", 6)
    records = [
        _record(
            "N50000",
            [
                (7, _alpha(score.get("scoreModel"), 4)),
                (11, "N" if points is None else "S"),
                (12, _num(points, 6)),
                (18, _alpha(score.get("message"), 70)),
                (88, _alpha(score.get("defaultRate"), 5)),
                (93, _alpha(score.get("range"), 6)),
                (99, code_field),
            ],
        )
    ]
    if include_f900:
        records.append(
            _record(
                "F900REHM",
                [
                    (9, _num(points, 6)),
                    (15, _alpha(score.get("range"), 6)),
                    (21, _rate_digits(score.get("defaultRate"))),
                    (26, _alpha(score.get("message"), 49)),
                    (75, code_field),
                ],
            )
        )
    return records


def _rate_digits(rate: object) -> str:
    """F900 TAXA, 5 digits with 2 implied decimals: "3,70" → "00370"; PJ's "00030" as is."""
    text = str(rate or "").strip()
    if len(text) == 5 and text.isdigit():
        return text
    try:
        value = Decimal(text.replace(",", ".").rstrip("%"))
    except ArithmeticError:
        return _num(0, 5)
    return _num(int(value * 100), 5)
