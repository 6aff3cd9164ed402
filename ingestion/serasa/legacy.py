"""Archived legacy Serasa answers (Crednet "B49C" string) turned into the normalised document.

Reference: ../shared/reference/serasa.md §4 (positions 1-based inclusive, lengths in bytes);
the document's shape: docs/serasa.md ("Normalised document").

Archive file format (our decision)
----------------------------------
- ISO-8859-1, one answer PART per line, separated by "\\n" ("\\r\\n" tolerated); blank lines are
  skipped. Latin-1 maps one byte to one character, so string indices are byte offsets.
- A part is one HTTP answer body: the 400-byte protocol B49C, then 115-byte records up to and
  including T999 (the T999 may be cut short: it is accepted from 7 bytes, "T999" + its code).
- A query may span consecutive parts: a part whose protocol FUNÇÃO is `CON` or whose T999 says
  `STRING PARCIAL - HA MAIS REGISTROS A ENVIAR` continues on the next line. The last part has
  FUNÇÃO `FIM` (or `ERR`: an error answer, T999 holds the message). The records of all parts are
  joined in order; the protocol is read from the first part.

Bad input never raises. A malformed record (unknown type, bad number or date, wrong length) is a
`Problem` with its byte offset in the file, and is skipped; the rest of the answer is parsed. A line
whose protocol cannot be read is an archive-level problem (`ArchiveParse.problems`) and parsing goes
on with the next line. A query left unterminated at end of file keeps its records, with a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

PROTOCOL_LENGTH = 400
RECORD_LENGTH = 115
MIN_TRAILER_LENGTH = 7  # "T999" + the 3-digit code
PARTIAL_MESSAGE = "STRING PARCIAL - HA MAIS REGISTROS A ENVIAR"
REPORT_NAME = "LEGADO_B49C"
FUNCTIONS = ("FIM", "CON", "ERR", "TMD")

# Record types of the reference (§4.2-4.3) that the document does not map: kept raw, not a problem.
OTHER_TYPES = {"P002", "N001", "N002", "N003", "N220", "N300", "N310", "N320", "N330", "N400"}
OTHER_TYPES |= {"N460", "N505", "N600"}
MAPPED_TYPES = {"N200", "N210", "N230", "N240", "N250", "N270", "N440", "N500", "N999"}
MAPPED_TYPES |= {"F900", "B901", "T999"}
KNOWN_TYPES = OTHER_TYPES | MAPPED_TYPES

_N_TYPES = "|".join(sorted(t for t in KNOWN_TYPES if t.startswith("N")))
# Where a record may start; only consulted to resynchronise after a record of the wrong length.
_RECORD_START = re.compile(rf"(?:(?:{_N_TYPES})\d\d|P002|F900[A-Z0-9]{{4}}|B901|T999\d{{3}})")

_SHORT_DATE = re.compile(r"(\d\d)/(\d\d)/(\d\d)")

STATUS_PF = {"2": "REGULAR", "3": "PENDENTE DE REGULARIZACAO", "6": "SUSPENSA", "9": "CANCELADA"}
STATUS_PF |= {"4": "NULA"}
STATUS_PJ = {"2": "ATIVA", "6": "SUSPENSA", "0": "INAPTA", "7": "BAIXADA", "4": "NULA"}

# N240-01 TP ANOTACAO → (negativeData block, its list key)
ANNOTATION_BLOCKS = {
    "V": ("pefin", "pefinResponse"),
    "I": ("refin", "refinResponse"),
    "5": ("collectionRecords", "collectionRecordsResponse"),
}


@dataclass(frozen=True)
class Problem:
    offset: int  # byte offset in the file of the bad record or part
    record: str  # "N240-00", "protocolo", ...
    message: str  # Portuguese


@dataclass
class LegacyAnswer:
    offset: int  # byte offset of the first part
    parts: list[str]
    document: dict
    problems: list[Problem] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The raw answer as received: its parts joined with "\\n"."""
        return "\n".join(self.parts)


@dataclass
class ArchiveParse:
    answers: list[LegacyAnswer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # lines that gave no answer

    @property
    def all_problems(self) -> list[Problem]:
        answer_problems = [problem for answer in self.answers for problem in answer.problems]
        return sorted(self.problems + answer_problems, key=lambda problem: problem.offset)


class FieldError(ValueError):
    """A field that cannot be read; the message says which, where and what it held."""


# ---------------------------------------------------------------------------------------------
# Archive and parts


def parse_archive(data: bytes) -> ArchiveParse:
    result = ArchiveParse()
    query: list[tuple[int, str]] = []  # (offset, part) of the query being assembled
    for offset, line in _lines(data.decode("latin-1")):
        if not line.strip():
            continue
        error = protocol_error(line)
        if error:
            if query:
                result.answers.append(_parse_parts(query))
                query = []
            result.problems.append(Problem(offset, "protocolo", error))
            continue
        query.append((offset, line))
        if not part_continues(line):
            result.answers.append(_parse_parts(query))
            query = []
    if query:
        result.answers.append(_parse_parts(query))
    return result


def parse_answer(parts: list[str], base_offset: int = 0) -> LegacyAnswer:
    """One query's parts, as if they were consecutive lines starting at base_offset."""
    if not parts:
        return LegacyAnswer(
            base_offset, [], {}, [Problem(base_offset, "protocolo", "resposta vazia")]
        )
    offsets = []
    offset = base_offset
    for part in parts:
        offsets.append(offset)
        offset += len(part) + 1
    return _parse_parts(list(zip(offsets, parts, strict=True)))


def protocol_error(part: str) -> str | None:
    """Why a part's protocol cannot be read, or None. Never shows the document number."""
    if len(part) < PROTOCOL_LENGTH:
        return f"protocolo curto: {len(part)} bytes (esperado {PROTOCOL_LENGTH})"
    if part[:4] not in ("B49C", "    "):
        return f"protocolo não começa com B49C: {part[:4]!r}"
    if not _is_digits(part[10:25]):
        return "NUM DOC não numérico no protocolo (pos 11, 15 bytes)"
    if part[25] not in "FJ":
        return f"TIPO PESSOA inválido no protocolo (pos 26): {part[25]!r}"
    if part[57:60] not in FUNCTIONS:
        return f"FUNÇÃO desconhecida no protocolo (pos 58, 3 bytes): {part[57:60]!r}"
    try:
        if not _is_digits(part[195:209]):
            raise ValueError
        datetime.strptime(part[195:209], "%Y%m%d%H%M%S")
    except ValueError:
        return f"DATA/HORA CONSUL inválida no protocolo (pos 196, 14 bytes): {part[195:209]!r}"
    return None


def part_continues(part: str) -> bool:
    return part[57:60] == "CON" or PARTIAL_MESSAGE in part[PROTOCOL_LENGTH:]


def _lines(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line.removesuffix("\r")
        offset += len(line) + 1


def _parse_parts(query: list[tuple[int, str]]) -> LegacyAnswer:
    """One query: its protocol is the first part's; a later part whose protocol cannot be read
    is a problem and its records are skipped."""
    first_offset, first_part = query[0]
    parts = [part for _, part in query]
    error = protocol_error(first_part)
    if error:
        return LegacyAnswer(first_offset, parts, {}, [Problem(first_offset, "protocolo", error)])
    builder = _DocumentBuilder(first_part, part_count=len(query))
    for offset, part in query:
        error = protocol_error(part)
        if error:
            builder.problem(offset, "protocolo", error)
        else:
            builder.add_part(part, offset)
    last_offset, last_part = query[-1]
    if part_continues(last_part):
        builder.problem(
            last_offset, "T999", "consulta sem terminação: a última parte diz STRING PARCIAL"
        )
    return LegacyAnswer(first_offset, parts, builder.finish(), builder.problems)


def record_spans(part: str):
    """(start, end) of each record after the protocol. Records are 115 bytes; when the next
    boundary is not where a record starts, the record has the wrong length and the next record
    start found by its type resynchronises. The T999 runs to the end of the part."""
    position = PROTOCOL_LENGTH
    while position < len(part):
        if part.startswith("T999", position):
            yield position, len(part)
            return
        end = position + RECORD_LENGTH
        if end == len(part) or _RECORD_START.match(part, end):
            yield position, end
        else:
            found = _RECORD_START.search(part, position + 1)
            next_start = found.start() if found else len(part)
            end = min(end, next_start)
            yield position, end
        position = end


# ---------------------------------------------------------------------------------------------
# Records and their fields


@dataclass(frozen=True)
class _Record:
    text: str
    offset: int

    @property
    def type(self) -> str:
        return self.text[:4]

    @property
    def subtype(self) -> str:
        return self.text[4:6]

    @property
    def label(self) -> str:
        if self.type == "F900":
            return f"F900-{self.text[4:8].strip()}"
        if self.type.startswith("N"):
            return f"{self.type}-{self.subtype}"
        return self.type

    def raw(self, position: int, length: int) -> str:
        return self.text[position - 1 : position - 1 + length]

    def alpha(self, position: int, length: int) -> str:
        return self.raw(position, length).strip()

    def integer(self, name: str, position: int, length: int) -> int | None:
        value = self.raw(position, length)
        if not value.strip():
            return None
        if not _is_digits(value):
            raise self._error("valor não numérico", name, position, length)
        return int(value)

    def money(self, name: str, position: int, length: int = 15) -> float | None:
        """13 integer digits + 2 implied decimals. 15 significant digits survive a float
        exactly, so json.dumps writes 418.51 for "000000000041851"."""
        cents = self.integer(name, position, length)
        return None if cents is None else float(Decimal(cents).scaleb(-2))

    def date(self, name: str, position: int, length: int = 8) -> str | None:
        """DDMMAAAA → ISO; zeros or blank → None."""
        value = self.raw(position, length)
        if not value.strip() or value == "0" * length:
            return None
        try:
            if not _is_digits(value):
                raise ValueError
            return datetime.strptime(value, "%d%m%Y").date().isoformat()
        except ValueError:
            raise self._error("data inválida", name, position, length) from None

    def month(self, name: str, position: int) -> str | None:
        """MMAAAA → YYYY-MM; zeros or blank → None."""
        value = self.raw(position, 6)
        if not value.strip() or value == "000000":
            return None
        if not _is_digits(value) or not 1 <= int(value[:2]) <= 12:
            raise self._error("mês inválido", name, position, 6)
        return f"{value[2:]}-{value[:2]}"

    def day_month(self, name: str, position: int, queried: date) -> str | None:
        """DDMM → ISO in the query's year, or the year before when that would be after it."""
        value = self.raw(position, 4)
        if not value.strip() or value == "0000":
            return None
        if not _is_digits(value):
            raise self._error("data inválida", name, position, 4)
        for year in (queried.year, queried.year - 1):
            try:
                candidate = datetime.strptime(f"{value}{year}", "%d%m%Y").date()
            except ValueError:
                continue
            if candidate <= queried:
                return candidate.isoformat()
        raise self._error("data inválida", name, position, 4)

    def short_year_date(self, name: str, position: int, queried: date) -> str | None:
        """DD/MM/AA → ISO: 20AA, or 19AA when 20AA would be after the query date."""
        value = self.raw(position, 8)
        if not value.strip() or value == "00/00/00":
            return None
        match = _SHORT_DATE.fullmatch(value)
        try:
            if not match:
                raise ValueError
            day, month, year = (int(group) for group in match.groups())
            candidate = date(2000 + year, month, day)
            if candidate > queried:
                candidate = date(1900 + year, month, day)
        except ValueError:
            raise self._error("data inválida", name, position, 8) from None
        return candidate.isoformat()

    def _error(self, what: str, name: str, position: int, length: int) -> FieldError:
        return FieldError(
            f"{what} em {name} (pos {position}, {length} bytes): {self.raw(position, length)!r}"
        )


def _is_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _without_none(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def _code_without_zeros(value: str) -> str | None:
    """ "02" → "2"; blank → None."""
    value = value.strip()
    return str(int(value)) if _is_digits(value) else (value or None)


# ---------------------------------------------------------------------------------------------
# The document


@dataclass
class _PendingDetail:
    family: str  # "N230" or "N240"
    item: dict | None  # None: the detail was malformed and skipped
    offset: int


class _DocumentBuilder:
    """Builds the normalised document from the records of one query, in order."""

    def __init__(self, protocol: str, part_count: int) -> None:
        self.problems: list[Problem] = []
        self.person_type = protocol[25]
        queried_at = datetime.strptime(protocol[195:209], "%Y%m%d%H%M%S")
        self.queried = queried_at.date()
        document_digits = protocol[10:25]
        registration = (
            {"documentNumber": document_digits[-11:]}
            if self.person_type == "F"
            else {"companyDocument": document_digits[-14:]}
        )
        self.report: dict = {"reportName": REPORT_NAME, "registration": registration}
        self.legacy: dict = {
            "queriedAt": queried_at.isoformat(),
            "parts": part_count,
            "function": None,
            "trailer": None,
            "errors": [],
            "messages": [],
            "features": [],
            "otherRecords": [],
            "unclassified": [],
        }
        self.scores: list[dict] = []
        self.found_nothing: set[str] = set()  # record families whose 99 said "nothing found"
        self.found_data: set[str] = set()  # record families with a detail or a total
        self.pending: _PendingDetail | None = None
        self.handlers = {
            "N200": self._identity,
            "N210": self._stolen_documents,
            "N230": self._internal_pendencies,
            "N240": self._financial_pendencies,
            "N250": self._protests,
            "N270": self._checks,
            "N440": self._inquiries,
            "N500": self._score_n500,
            "N999": lambda record: None,
            "F900": self._feature,
            "B901": self._request_errors,
            "T999": self._trailer,
        }

    def problem(self, offset: int, record: str, message: str) -> None:
        self.problems.append(Problem(offset, record, message))

    def add_part(self, part: str, offset: int) -> None:
        self.legacy["function"] = part[57:60]
        has_trailer = False
        for start, end in record_spans(part):
            record = _Record(part[start:end], offset + start)
            has_trailer = has_trailer or record.type == "T999"
            self._add_record(record)
        if not has_trailer:
            self.problem(offset, "T999", "parte sem registro T999")

    def _add_record(self, record: _Record) -> None:
        if record.type not in KNOWN_TYPES:
            self.problem(
                record.offset, record.label, f"tipo de registro desconhecido: {record.type!r}"
            )
            return
        length_error = _length_error(record)
        if length_error:
            self.problem(record.offset, record.label, length_error)
            return
        # a detail's complement may come after the T999 of a part, in the next part
        if self.pending and record.type != "T999" and record.label != f"{self.pending.family}-01":
            self._flush_pending()
        if record.subtype in ("00", "90"):
            self.found_data.add(record.type)
        handler = self.handlers.get(record.type, self._other)
        try:
            handler(record)
        except FieldError as error:
            self.problem(record.offset, record.label, str(error))
            if record.type in ("N230", "N240") and record.subtype == "00":
                # the 01 that follows completes this skipped detail: not an orphan
                self.pending = _PendingDetail(record.type, None, record.offset)

    def finish(self) -> dict:
        self._flush_pending()
        self._add_nothing_found_blocks()
        if self.scores:
            self.report["legacyScores"] = self.scores
        return {"reports": [self.report], "legacy": self.legacy}

    def _add_nothing_found_blocks(self) -> None:
        """A 99 ("nothing found") of a family with no detail or total: the blocks it answers
        for, with no items and zero totals (cheques carry no total value)."""
        nothing = self.found_nothing - self.found_data
        if "N240" in nothing:
            for name, list_key in ANNOTATION_BLOCKS.values():
                self._negative_data()[name] = _empty_block(list_key)
        if "N250" in nothing:
            self._negative_data()["notary"] = _empty_block("notaryResponse")
        if "N270" in nothing:
            self._negative_data()["check"] = {"checkResponse": [], "summary": {"count": 0}}
        if "N230" in nothing:
            self.report["internalPendencies"] = _empty_block("internalPendenciesResponse")

    # -- helpers ---------------------------------------------------------------------------

    def _negative_data(self) -> dict:
        return self.report.setdefault("negativeData", {})

    def _facts(self) -> dict:
        return self.report.setdefault("facts", {})

    @staticmethod
    def _block(parent: dict, name: str, list_key: str) -> dict:
        return parent.setdefault(name, {list_key: []})

    def _message(self, record: _Record) -> None:
        self.legacy["messages"].append({"record": record.label, "message": record.alpha(7, 40)})

    def _other(self, record: _Record) -> None:
        self.legacy["otherRecords"].append({"type": record.label, "raw": record.text})

    def _flush_pending(self) -> None:
        """An N240-00 whose N240-01 never came: its annotation type is unknown."""
        pending, self.pending = self.pending, None
        if pending is None or pending.family != "N240" or pending.item is None:
            return
        self.problem(
            pending.offset,
            "N240-00",
            "N240-00 sem o complemento N240-01: TP ANOTACAO desconhecido (mantido em unclassified)",
        )
        self.legacy["unclassified"].append(pending.item)

    # -- record handlers --------------------------------------------------------------------

    def _identity(self, record: _Record) -> None:
        registration = self.report["registration"]
        if record.subtype == "01":
            registration["motherName"] = record.alpha(7, 40)
            return
        if record.subtype != "00":
            self._other(record)
            return
        person = self.person_type == "F"
        born = record.date("DT NASC/FUND", 77)
        code = _code_without_zeros(record.raw(85, 2))
        statuses = STATUS_PF if person else STATUS_PJ
        registration["consumerName" if person else "companyName"] = record.alpha(7, 70)
        registration["birthDate" if person else "foundationDate"] = born
        registration["statusRegistrationCode"] = code
        registration["statusRegistration"] = statuses.get(code or "")
        registration["statusDate"] = record.date("DT SIT DOCTO", 87)

    def _pendency_item(self, record: _Record) -> dict:
        """N230-00 / N240-00 (same layout)."""
        return {
            "occurrenceDate": record.date("DT OCOR", 7),
            "legalNature": record.alpha(15, 30),
            "principal": record.raw(45, 1) != "S",
            "amount": record.money("VALOR", 49),
            "contractId": record.alpha(64, 16),
            "creditorName": record.alpha(80, 30),
        }

    @staticmethod
    def _complement(item: dict, record: _Record) -> None:
        """N230-01 / N240-01: sub judice and CADUS of the preceding detail."""
        item["cadus"] = record.alpha(85, 10) or None
        dispute = {"disputeIndicativeFlag": record.raw(7, 1) == "S"}
        if record.alpha(8, 76):
            dispute["disputeMessagePt"] = record.alpha(8, 76)
        item["dispute"] = dispute

    def _pendency_summary(self, record: _Record) -> dict:
        """N230-90 / N240-90."""
        return {
            "count": record.integer("TOT OCOR", 7, 5),
            "balance": record.money("VAL TOTAL", 24),
            "firstOccurrenceMonth": record.month("DT OCOR ANTIGA", 12),
            "lastOccurrenceMonth": record.month("DT OCOR RECENTE", 18),
        }

    def _complemented_item(self, record: _Record) -> dict | None:
        """The detail a 01 record completes (None when it was skipped or is missing)."""
        pending, self.pending = self.pending, None
        if pending is None:
            self.problem(record.offset, record.label, f"{record.label} sem o detalhe 00 anterior")
            return None
        return pending.item

    def _internal_pendencies(self, record: _Record) -> None:
        block = self._block(self.report, "internalPendencies", "internalPendenciesResponse")
        if record.subtype == "00":
            item = self._pendency_item(record)
            block["internalPendenciesResponse"].append(item)
            self.pending = _PendingDetail("N230", item, record.offset)
        elif record.subtype == "01":
            item = self._complemented_item(record)
            if item is not None:
                self._complement(item, record)
        elif record.subtype == "90":
            block["summary"] = self._pendency_summary(record)
        elif record.subtype == "99":
            self._message(record)
            self.found_nothing.add("N230")
        else:
            self._other(record)

    def _financial_pendencies(self, record: _Record) -> None:
        if record.subtype == "00":
            self.pending = _PendingDetail("N240", self._pendency_item(record), record.offset)
        elif record.subtype == "01":
            self._classify_pendency(record)
        elif record.subtype == "90":
            name, list_key = self._annotation_block(record)
            summary = self._pendency_summary(record)
            self._block(self._negative_data(), name, list_key)["summary"] = summary
        elif record.subtype == "99":
            self._message(record)
            self.found_nothing.add("N240")
        else:
            self._other(record)

    def _annotation_block(self, record: _Record) -> tuple[str, str]:
        kind = record.raw(84 if record.subtype == "01" else 39, 1)
        if kind not in ANNOTATION_BLOCKS:
            position = 84 if record.subtype == "01" else 39
            raise FieldError(f"TP ANOTACAO desconhecido (pos {position}, 1 byte): {kind!r}")
        return ANNOTATION_BLOCKS[kind]

    def _classify_pendency(self, record: _Record) -> None:
        item = self._complemented_item(record)
        if item is None:
            return
        self._complement(item, record)
        try:
            name, list_key = self._annotation_block(record)
        except FieldError:
            self.legacy["unclassified"].append(item)
            raise
        self._block(self._negative_data(), name, list_key)[list_key].append(item)

    def _protests(self, record: _Record) -> None:
        if record.subtype == "00":
            item = {
                "occurrenceDate": record.date("DT OCOR", 7),
                "amount": record.money("VALOR", 18),
                "officeNumber": record.alpha(33, 2),
                "city": record.alpha(35, 30),
                "federalUnit": record.alpha(65, 2),
            }
            self._block(self._negative_data(), "notary", "notaryResponse")["notaryResponse"].append(
                item
            )
        elif record.subtype == "90":
            summary = {
                "count": record.integer("TOT OCOR", 7, 5),
                "balance": record.money("VAL TOTAL", 27),
                "firstOccurrenceMonth": record.month("DT OCOR ANTIGA", 12),
                "lastOccurrenceMonth": record.month("DT OCOR RECENTE", 18),
            }
            self._block(self._negative_data(), "notary", "notaryResponse")["summary"] = summary
        elif record.subtype == "99":
            self._message(record)
            self.found_nothing.add("N250")
        else:
            self._other(record)

    def _checks(self, record: _Record) -> None:
        if record.subtype == "00":
            item = {
                "occurrenceDate": record.date("DATA OCOR", 7),
                "checkNumber": record.alpha(15, 10),
                "alinea": record.integer("ALINEA", 25, 5),
                "checkCount": record.integer("QTIDADE", 30, 5),
                "amount": record.money("VALOR", 35),
                "bankId": record.integer("NU-BCO", 50, 3),
                "bankName": record.alpha(53, 14),
                "bankAgencyId": record.integer("AGENCIA", 67, 4),
                "city": record.alpha(71, 30),
                "federalUnit": record.alpha(101, 2),
                "cadus": record.alpha(103, 10) or None,
            }
            self._block(self._negative_data(), "check", "checkResponse")["checkResponse"].append(
                item
            )
        elif record.subtype == "90":
            summary = {
                "count": record.integer("TOT OCOR", 7, 5),
                "firstOccurrence": record.date("DT OCOR ANTIGA", 12),
                "lastOccurrence": record.date("DT OCOR RECENTE", 20),
            }
            self._block(self._negative_data(), "check", "checkResponse")["summary"] = summary
        elif record.subtype == "99":
            self._message(record)
            self.found_nothing.add("N270")
        else:
            self._other(record)

    def _stolen_documents(self, record: _Record) -> None:
        if record.subtype != "00":
            self._other(record)
            return
        item = {
            "documentType": record.alpha(11, 6),
            "documentNumber": record.alpha(17, 20),
            "reason": record.alpha(37, 4),
            # DTA OCOR has 10 positions but holds DD/MM/AA
            "occurrenceDate": record.short_year_date("DTA OCOR", 41, self.queried),
        }
        block = self._block(self._facts(), "stolenDocuments", "stolenDocumentsResponse")
        block["stolenDocumentsResponse"].append(item)

    def _inquiries(self, record: _Record) -> None:
        if record.subtype in ("00", "01"):
            self._check_inquiries(record)
        elif record.subtype == "02":
            items = []
            for slot in range(3):
                position = 7 + 29 * slot
                company = record.alpha(position, 25)
                day = record.day_month("DATA CONSULTA", position + 25, self.queried)
                if company or day:
                    items.append({"occurrenceDate": day, "companyName": company})
            block = self._block(self._facts(), "inquiry", "inquiryResponse")
            block["inquiryResponse"].extend(items)
        elif record.subtype == "03":
            block = self._block(self._facts(), "inquiry", "inquiryResponse")
            block["summary"] = {
                "last15Days": record.integer("QTD CONS 15", 7, 3),
                "days16To30": record.integer("QTD CONS 16-30", 10, 3),
                "days31To60": record.integer("QTD CONS 31-60", 13, 3),
                "days61To90": record.integer("QTD CONS 61-90", 16, 3),
            }
        elif record.subtype == "99":
            self._message(record)
        else:
            self._other(record)

    def _check_inquiries(self, record: _Record) -> None:
        """N440-00 (internal) / -01 (market) cheque inquiries. The manual names neither the two
        DDMM dates nor the five counts, so they are kept in order."""
        counts = [(15, 3), (18, 2), (20, 2), (22, 2), (24, 3)]
        self._facts().setdefault("checkInquiries", []).append(
            {
                "origin": "interna" if record.subtype == "00" else "mercado",
                "dates": [
                    record.day_month("DATA", 7, self.queried),
                    record.day_month("DATA", 11, self.queried),
                ],
                "counts": [record.integer("QTD", start, size) for start, size in counts],
            }
        )

    def _score_n500(self, record: _Record) -> None:
        if record.subtype != "00":
            self._other(record)
            return
        calculated = record.raw(11, 1) == "S"
        points = record.integer("PONTUAC", 12, 6)
        code_message = record.alpha(99, 6)
        entry = {
            "source": "N500",
            "scoreModel": record.alpha(7, 4) or None,
            "calculated": calculated,
            "score": points if calculated else None,
            "message": record.alpha(18, 70) or None,
            "defaultRate": record.alpha(88, 5) or None,
            "range": record.alpha(93, 6) or None,
            "codeMessage": int(code_message) if _is_digits(code_message) else None,
        }
        self.scores.append(_without_none(entry))

    def _feature(self, record: _Record) -> None:
        code = record.raw(5, 4)
        if code != "REHM":
            self.legacy["features"].append({"code": code.strip(), "raw": record.text})
            return
        score = record.integer("SCORE", 9, 6)
        rate = record.integer("TAXA", 21, 5)
        code_message = record.alpha(75, 6)
        entry = {
            "source": "F900_REHM",
            "score": score,
            "range": record.alpha(15, 6) or None,
            "defaultRate": None if rate is None else f"{rate // 100},{rate % 100:02d}",
            "message": record.alpha(26, 49) or None,
            "codeMessage": int(code_message) if _is_digits(code_message) else None,
            "calculated": bool(score),
        }
        self.scores.append(_without_none(entry))

    def _request_errors(self, record: _Record) -> None:
        for pair in range(13):
            position = 5 + 8 * pair
            code, failed_record = record.alpha(position, 4), record.alpha(position + 4, 4)
            if code or failed_record:
                self.legacy["errors"].append({"code": code, "record": failed_record})

    def _trailer(self, record: _Record) -> None:
        code = record.raw(5, 3)
        if not _is_digits(code):
            raise FieldError(f"código não numérico em CÓDIGO (pos 5, 3 bytes): {code!r}")
        self.legacy["trailer"] = {"code": code, "message": record.alpha(8, 70)}


def _empty_block(list_key: str) -> dict:
    return {list_key: [], "summary": {"count": 0, "balance": 0.0}}


def _length_error(record: _Record) -> str | None:
    length = len(record.text)
    if record.type == "T999":
        if length < MIN_TRAILER_LENGTH:
            return f"T999 curto: {length} bytes (mínimo {MIN_TRAILER_LENGTH})"
        if record.text[RECORD_LENGTH:].strip():
            return f"dados após o T999: {length} bytes (máximo {RECORD_LENGTH})"
        return None
    if length != RECORD_LENGTH:
        return f"registro com tamanho errado: {length} bytes (esperado {RECORD_LENGTH})"
    return None
