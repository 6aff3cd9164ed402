"""Legacy B49C parser and encoder: records written by hand from the reference's positions
(../shared/reference/serasa.md §4), round trips of JSON documents through the string, multi-part
answers, errors, and malformed input reported with its byte offset, never raised."""

from __future__ import annotations

import copy
import json
import unicodedata
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingestion.serasa.legacy import parse_answer, parse_archive
from ingestion.serasa.legacy_encode import encode_answer, encode_archive

QUERIED_AT = datetime(2024, 12, 1, 10, 30, 5)
PARTIAL = "STRING PARCIAL - HA MAIS REGISTROS A ENVIAR"


# ---------------------------------------------------------------------------------------------
# Hand-written layouts: blanks with each value sliced in at its 1-based position


def layout(length: int, fields: dict[int, str]) -> str:
    text = " " * length
    for position, value in fields.items():
        text = text[: position - 1] + value + text[position - 1 + len(value) :]
    assert len(text) == length
    return text


def protocol(
    document: str = "000012345678909",
    person: str = "F",
    function: str = "FIM",
    when: str = "20241201103005",
) -> str:
    return layout(400, {1: "B49C", 11: document, 26: person, 58: function, 196: when})


def record(fields: dict[int, str]) -> str:
    return layout(115, fields)


def trailer(code: str = "000", message: str = "") -> str:
    return record({1: "T999", 5: code, 8: message})


def pendency(
    date: str = "12062023", amount: str = "000000000041851", creditor: str = "EMPRESA CREDORA SA"
) -> str:
    """N240-00: DT OCOR 7, MODALIDADE 15, AVALISTA 45, MOEDA 46, VALOR 49, CONTRATO 64,
    ORIGEM 80."""
    return record(
        {
            1: "N24000",
            7: date,
            15: "OUTRAS OPER",
            45: "N",
            46: "R$ ",
            49: amount,
            64: "0000000000123456",
            80: creditor,
        }
    )


def complement(kind: str = "V", subjudice: str = "N", cadus: str = "C404958025") -> str:
    """N240-01: SUBJUDICE 7, MSG SUBJ 8, TP ANOTACAO 84, COD CADUS 85."""
    return record({1: "N24001", 7: subjudice, 84: kind, 85: cadus})


def answer(*records: str, **protocol_fields: str) -> str:
    return protocol(**protocol_fields) + "".join(records) + trailer()


def parsed(*records: str, **protocol_fields: str):
    result = parse_answer([answer(*records, **protocol_fields)])
    return result, result.document["reports"][0]


# ---------------------------------------------------------------------------------------------
# Records against the reference


def test_pendency_detail_money_13_plus_2_and_complement():
    result, report = parsed(pendency(), complement(kind="V", subjudice="S"))
    assert result.problems == []
    item = report["negativeData"]["pefin"]["pefinResponse"][0]
    assert item == {
        "occurrenceDate": "2023-06-12",
        "legalNature": "OUTRAS OPER",
        "principal": True,
        "amount": 418.51,
        "contractId": "0000000000123456",
        "creditorName": "EMPRESA CREDORA SA",
        "cadus": "C404958025",
        "dispute": {"disputeIndicativeFlag": True},
    }
    assert '"amount": 418.51' in json.dumps(item)


@pytest.mark.parametrize(("kind", "block"), [("I", "refin"), ("5", "collectionRecords")])
def test_annotation_type_chooses_the_block(kind, block):
    _, report = parsed(pendency(), complement(kind=kind))
    assert len(report["negativeData"][block][f"{block}Response"]) == 1
    assert "pefin" not in report["negativeData"]


def test_totals_record_mmaaaa_per_annotation_type():
    totals = record({1: "N24090", 7: "00014", 12: "062019", 18: "112024", 24: "000000000150075"})
    _, report = parsed(totals[:38] + "I" + totals[39:])
    assert report["negativeData"]["refin"] == {
        "refinResponse": [],
        "summary": {
            "count": 14,
            "balance": 1500.75,
            "firstOccurrenceMonth": "2019-06",
            "lastOccurrenceMonth": "2024-11",
        },
    }


def test_protocol_identity_pf_and_query_time():
    name = record({1: "N20000", 7: "FULANO DE TAL", 77: "12041985", 85: "02", 87: "26072024"})
    mother = record({1: "N20001", 7: "BELTRANA DE TAL"})
    result, report = parsed(name, mother)
    assert report["reportName"] == "LEGADO_B49C"
    assert report["registration"] == {
        "documentNumber": "12345678909",
        "consumerName": "FULANO DE TAL",
        "birthDate": "1985-04-12",
        "statusRegistrationCode": "2",
        "statusRegistration": "REGULAR",
        "statusDate": "2024-07-26",
        "motherName": "BELTRANA DE TAL",
    }
    assert result.document["legacy"]["queriedAt"] == "2024-12-01T10:30:05"


def test_protocol_identity_pj():
    name = record(
        {1: "N20000", 7: "EMPRESA EXEMPLO LTDA", 77: "01032010", 85: "07", 87: "00000000"}
    )
    _, report = parsed(name, document="011222333000181", person="J")
    registration = report["registration"]
    assert registration["companyDocument"] == "11222333000181"
    assert registration["companyName"] == "EMPRESA EXEMPLO LTDA"
    assert registration["foundationDate"] == "2010-03-01"
    assert registration["statusRegistration"] == "BAIXADA"
    assert registration["statusDate"] is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [("15/03/24  ", "2024-03-15"), ("15/12/24  ", "1924-12-15"), ("01/02/99  ", "1999-02-01")],
)
def test_stolen_document_date_dd_mm_aa_pivots_on_the_query_date(written, expected):
    stolen = record(
        {1: "N21000", 7: "01", 9: "01", 11: "RG", 17: "123456789", 37: "ROUB", 41: written}
    )
    result, report = parsed(stolen)
    assert result.problems == []
    item = report["facts"]["stolenDocuments"]["stolenDocumentsResponse"][0]
    assert item == {
        "documentType": "RG",
        "documentNumber": "123456789",
        "reason": "ROUB",
        "occurrenceDate": expected,
    }


def test_inquiry_ddmm_after_the_query_date_is_from_the_year_before():
    slots = {7: "BANCO EXEMPLO SA", 32: "2002", 36: "LOJA EXEMPLO", 61: "1506"}
    inquiries = record({1: "N44002", **slots})
    summary = record({1: "N44003", 7: "001", 10: "002", 13: "000", 16: "010"})
    _, report = parsed(inquiries, summary, when="20240310090000")
    inquiry = report["facts"]["inquiry"]
    assert inquiry["inquiryResponse"] == [
        {"occurrenceDate": "2024-02-20", "companyName": "BANCO EXEMPLO SA"},
        {"occurrenceDate": "2023-06-15", "companyName": "LOJA EXEMPLO"},
    ]
    assert inquiry["summary"] == {
        "last15Days": 1,
        "days16To30": 2,
        "days31To60": 0,
        "days61To90": 10,
    }


def test_nothing_found_gives_the_three_pendency_blocks_empty():
    result, report = parsed(record({1: "N24099", 7: "NADA CONSTA"}))
    for block in ("pefin", "refin", "collectionRecords"):
        assert report["negativeData"][block] == {
            f"{block}Response": [],
            "summary": {"count": 0, "balance": 0.0},
        }
    assert result.document["legacy"]["messages"] == [
        {"record": "N240-99", "message": "NADA CONSTA"}
    ]


def test_protests_and_checks():
    protest = record({1: "N25000", 7: "05122022", 15: "R$ ", 18: "000000000150000", 33: "02",
                      35: "SAO PAULO", 65: "SP"})  # fmt: skip
    protest_totals = record({1: "N25090", 7: "00001", 12: "122022", 18: "122022", 24: "R$ ",
                             27: "000000000150000"})  # fmt: skip
    check = record({1: "N27000", 7: "10012023", 15: "CCF-BB", 25: "00012", 30: "00002",
                    35: "000000000000000", 50: "001", 53: "BANCO DO BRASI", 67: "1234",
                    71: "CAMPINAS", 101: "SP", 103: "C000000001"})  # fmt: skip
    check_totals = record({1: "N27090", 7: "00002", 12: "10012023", 20: "15022023"})
    _, report = parsed(protest, protest_totals, check, check_totals)
    notary = report["negativeData"]["notary"]
    assert notary["notaryResponse"] == [
        {"occurrenceDate": "2022-12-05", "amount": 1500.0, "officeNumber": "02",
         "city": "SAO PAULO", "federalUnit": "SP"}
    ]  # fmt: skip
    assert notary["summary"]["balance"] == 1500.0
    checks = report["negativeData"]["check"]
    assert checks["checkResponse"][0]["alinea"] == 12
    assert checks["checkResponse"][0]["bankId"] == 1
    assert checks["checkResponse"][0]["bankAgencyId"] == 1234
    assert checks["summary"] == {
        "count": 2,
        "firstOccurrence": "2023-01-10",
        "lastOccurrence": "2023-02-15",
    }


def test_internal_pendencies_n230():
    detail = "N230" + pendency()[4:]
    totals = record({1: "N23090", 7: "00001", 12: "062023", 18: "062023", 24: "000000000041851"})
    result, report = parsed(detail, totals)
    assert result.problems == []
    internal = report["internalPendencies"]
    assert internal["internalPendenciesResponse"][0]["amount"] == 418.51
    assert internal["summary"]["count"] == 1


def test_n500_and_f900_are_both_kept_and_tagged():
    n500 = record({1: "N50000", 7: "HRLN", 11: "S", 12: "000943", 18: "ESPACO RESERVADO",
                   88: "3,70", 93: "A", 99: "000099"})  # fmt: skip
    f900 = record({1: "F900REHM", 9: "000943", 15: "A", 21: "00370", 26: "ESPACO RESERVADO",
                   75: "000099"})  # fmt: skip
    result, report = parsed(n500, f900)
    assert result.problems == []
    assert report["legacyScores"] == [
        {"source": "N500", "scoreModel": "HRLN", "calculated": True, "score": 943,
         "message": "ESPACO RESERVADO", "defaultRate": "3,70", "range": "A", "codeMessage": 99},
        {"source": "F900_REHM", "score": 943, "range": "A", "defaultRate": "3,70",
         "message": "ESPACO RESERVADO", "codeMessage": 99, "calculated": True},
    ]  # fmt: skip


def test_score_not_calculated_has_no_points():
    n500 = record({1: "N50000", 7: "H4PJ", 11: "N", 12: "000000", 18: "SCORE NAO CALCULADO",
                   99: "000836"})  # fmt: skip
    _, report = parsed(n500)
    (score,) = report["legacyScores"]
    assert score["calculated"] is False
    assert "score" not in score
    assert score["codeMessage"] == 836


def test_other_known_records_are_kept_raw_and_other_features_listed():
    nada = record({1: "N22000", 7: "NADA CONSTA"})
    feature = record({1: "F900AL24", 9: "X"})
    result, _ = parsed(nada, feature, record({1: "N99999"}))
    assert result.problems == []
    legacy = result.document["legacy"]
    assert legacy["otherRecords"] == [{"type": "N220-00", "raw": nada}]
    assert legacy["features"] == [{"code": "AL24", "raw": feature}]


def test_blocks_absent_from_the_string_are_absent():
    _, report = parsed()
    assert set(report) == {"reportName", "registration"}


# ---------------------------------------------------------------------------------------------
# Parts, errors, terminations


def test_answer_in_three_parts_joined_across_string_parcial():
    first = protocol(function="CON") + pendency() + trailer(message=PARTIAL)
    second = protocol(function="CON") + complement() + pendency(amount="000000000010000")
    second += trailer(message=PARTIAL)
    third = protocol(function="FIM") + complement(kind="I") + record({1: "N24099"}) + trailer()
    result = parse_archive(encode_archive([[first, second, third]]))
    assert result.problems == []
    (found,) = result.answers
    assert found.problems == []
    assert found.parts == [first, second, third]
    assert found.text == f"{first}\n{second}\n{third}"
    negative = found.document["reports"][0]["negativeData"]
    assert negative["pefin"]["pefinResponse"][0]["amount"] == 418.51
    assert negative["refin"]["refinResponse"][0]["amount"] == 100.0
    assert "collectionRecords" not in negative  # details came: the 99 invents nothing
    assert found.document["legacy"]["parts"] == 3
    assert found.document["legacy"]["function"] == "FIM"


def test_error_answer_keeps_the_trailer_message_and_b901_errors():
    errors = record({1: "B901", 5: "1021", 9: "N001", 13: "1031", 17: "X999"})
    text = protocol(function="ERR") + errors + trailer("001", "CLIENTE CONSULTANTE NAO CADASTRADO")
    result = parse_answer([text])
    assert result.problems == []
    legacy = result.document["legacy"]
    assert legacy["function"] == "ERR"
    assert legacy["trailer"] == {"code": "001", "message": "CLIENTE CONSULTANTE NAO CADASTRADO"}
    assert legacy["errors"] == [
        {"code": "1021", "record": "N001"},
        {"code": "1031", "record": "X999"},
    ]


def test_short_trailer_is_accepted():
    text = protocol() + pendency() + complement() + "T999000"
    result = parse_answer([text])
    assert result.problems == []
    assert result.document["legacy"]["trailer"] == {"code": "000", "message": ""}


def test_unterminated_query_at_end_of_file_keeps_its_records():
    text = protocol(function="CON") + pendency() + complement() + trailer(message=PARTIAL)
    result = parse_archive(text.encode("latin-1"))
    (found,) = result.answers
    assert [problem.record for problem in found.problems] == ["T999"]
    assert "sem terminação" in found.problems[0].message
    assert len(found.document["reports"][0]["negativeData"]["pefin"]["pefinResponse"]) == 1


def test_detail_without_complement_is_unclassified():
    result, report = parsed(pendency(), record({1: "N24099"}))
    (problem,) = result.problems
    assert (problem.offset, problem.record) == (400, "N240-00")
    assert result.document["legacy"]["unclassified"][0]["amount"] == 418.51
    assert "negativeData" not in report  # a detail came: the 99 invents no empty blocks


# ---------------------------------------------------------------------------------------------
# Malformed input: a Problem at the right byte offset, the rest kept


def test_bad_number_is_reported_at_its_offset_and_skipped():
    bad = pendency(amount="00000ABC0000012")
    result, report = parsed(pendency(), complement(), bad, complement(kind="I"))
    (problem,) = result.problems
    assert problem.offset == 400 + 2 * 115
    assert problem.record == "N240-00"
    assert problem.message == "valor não numérico em VALOR (pos 49, 15 bytes): '00000ABC0000012'"
    assert len(report["negativeData"]["pefin"]["pefinResponse"]) == 1
    assert "refin" not in report["negativeData"]  # the skipped detail's complement is not an orphan


def test_bad_date_unknown_type_and_short_record():
    bad_date = pendency(date="31022023")
    unknown = record({1: "X12300", 7: "?"})
    short = record({1: "N50000", 7: "HRLN"})[:100]
    records = [bad_date, complement(), unknown, short, pendency(), complement()]
    lines = [protocol(function="FIM") + "".join(records) + trailer()]
    data = ("\n".join(["", *lines]) + "\n").encode("latin-1")
    result = parse_archive(data)
    assert result.problems == []
    (found,) = result.answers
    assert found.offset == 1
    problems = [(p.offset, p.record, p.message.split(":")[0]) for p in found.problems]
    assert problems == [
        (1 + 400, "N240-00", "data inválida em DT OCOR (pos 7, 8 bytes)"),
        (1 + 400 + 2 * 115, "X123", "tipo de registro desconhecido"),
        (1 + 400 + 3 * 115, "N500-00", "registro com tamanho errado"),
    ]
    negative = found.document["reports"][0]["negativeData"]
    assert len(negative["pefin"]["pefinResponse"]) == 1
    assert data[problems[1][0] :].startswith(b"X123")


def test_archive_with_a_garbage_line_goes_on_with_the_next():
    good = answer(pendency(), complement())
    garbage = "GARBAGE LINE \xe7\xe3o"
    lines = [good, garbage, good, answer(document="00000000000ABCD")]
    data = "\r\n".join(lines).encode("latin-1")
    result = parse_archive(data)
    second_good = len(good) + 2 + len(garbage) + 2
    assert [answer.offset for answer in result.answers] == [0, second_good]
    assert [(p.offset, p.record) for p in result.problems] == [
        (len(good) + 2, "protocolo"),
        (second_good + len(good) + 2, "protocolo"),
    ]
    assert all(answer.problems == [] for answer in result.answers)
    assert "NUM DOC" in result.problems[1].message
    assert "ABCD" not in result.problems[1].message  # the document never shows in a message


def test_broken_multi_part_query_then_garbage():
    first = protocol(function="CON") + pendency() + complement() + trailer(message=PARTIAL)
    result = parse_archive(f"{first}\nnot a protocol\n{answer()}".encode("latin-1"))
    assert len(result.answers) == 2
    assert result.answers[0].problems[0].record == "T999"
    assert result.problems[0].offset == len(first) + 1


# ---------------------------------------------------------------------------------------------
# Round trip: JSON document → legacy string → normalised document, on the shared subset

PF_DOCUMENT = {
    "reports": [
        {
            "reportName": "RELATORIO_BASICO_PF_PME",
            "registration": {
                "documentNumber": "12345678909",
                "consumerName": "FULANO DE TAL DA SILVA",
                "motherName": "BELTRANA DE TAL",
                "birthDate": "1985-04-12",
                "statusRegistration": "REGULAR",
                "statusDate": "2024-07-26",
            },
            "negativeData": {
                "pefin": {
                    "pefinResponse": [
                        {
                            "occurrenceDate": "2023-06-12",
                            "legalNatureId": "OO",
                            "legalNature": "OUTRAS OPER",
                            "contractId": "0000000000123456",
                            "creditorName": "EMPRESA CREDORA SA",
                            "amount": 418.51,
                            "publicAgency": False,
                            "principal": True,
                        }
                    ],
                    "summary": {
                        "count": 1,
                        "balance": 418.51,
                        "firstOccurrence": "2023-06-12",
                        "lastOccurrence": "2023-06-12",
                    },
                },  # fmt: skip
                "refin": {"refinResponse": [], "summary": {"count": 0, "balance": 0.0}},
                "notary": {
                    "notaryResponse": [
                        {
                            "occurrenceDate": "2022-12-05",
                            "amount": 1500.0,
                            "officeNumber": "02",
                            "city": "SAO PAULO",
                            "federalUnit": "SP",
                        }
                    ],
                    "summary": {"count": 1, "balance": 1500.0},
                },  # fmt: skip
                "check": {"checkResponse": [], "summary": {"count": 0, "checkCount": 0}},
                "collectionRecords": {
                    "collectionRecordsResponse": [],
                    "summary": {"count": 0, "balance": 0.0},
                },
            },
            "score": {
                "score": 350,
                "scoreModel": "HRLN",
                "range": "G",
                "defaultRate": "35,90",
                "codeMessage": 99,
                "message": "ESPACO RESERVADO PARA MENSAGEM DA INSTITUICAO",
            },
        }  # fmt: skip
    ]
}

PJ_DOCUMENT = {
    "reports": [
        {
            "reportName": "RELATORIO_BASICO_PJ_PME",
            "registration": {
                "companyDocument": "11222333000181",
                "companyName": "EMPRESA EXEMPLO LTDA",
                "foundationDate": "2010-03-01",
                "statusRegistration": "SITUACAO DO CNPJ EM 10/01/2026: ATIVA",
            },
            "score": {
                "scoreModel": "H4PJ",
                "codeMessage": 836,
                "billing": False,
                "message": "SCORE NAO CALCULADO - INSUFICIENCIA INFORMACOES BASE DE DADOS",
            },
            "negativeData": {
                "pefin": {
                    "pefinResponse": [
                        {
                            "occurrenceDate": "2024-09-10",
                            "inclusionDate": "2024-09-12",
                            "legalNatureId": "VM",
                            "legalNature": "VENDA MERCAD",
                            "contractId": "152181901",
                            "creditorName": "FORNECEDOR SA",
                            "amount": 334.62,
                            "principal": True,
                            "dispute": {"disputeIndicativeFlag": False},
                            "cadus": "C404958025",
                        }
                    ]
                },
                "refin": {"summary": {"count": 0, "balance": 0.0}},
                "collectionRecords": {"summary": {"count": 0, "balance": 0.0}},
                "check": {"summary": {"count": 0, "balance": 0.0}},
                "notary": {"summary": {"count": 0, "balance": 0.0}},
            },
        }  # fmt: skip
    ],
    "optionalFeatures": {},
}


def variant(base: dict, change) -> dict:
    document = copy.deepcopy(base)
    change(document["reports"][0])
    return document


def many_pefin(report: dict) -> None:
    """7 details (more than the legacy 5), long creditors and contracts, no summary."""
    report["negativeData"]["pefin"] = {
        "pefinResponse": [
            {"occurrenceDate": f"2023-0{month}-1{month}", "legalNature": "FINANCIAMENTO",
             "contractId": f"CONTRATO-MUITO-LONGO-{month}", "amount": 1000 + month / 100,
             "creditorName": f"BANCO COM UM NOME BEM MAIS LONGO QUE TRINTA {month}",
             "principal": month % 2 == 0}
            for month in range(1, 8)
        ]
    }  # fmt: skip


def truncated_refin(report: dict) -> None:
    """summary.count larger than the list (the API truncates); dívidas vencidas with items."""
    report["negativeData"]["refin"] = {
        "refinResponse": [
            {"occurrenceDate": "2021-01-05", "legalNature": "EMPRESTIMO", "contractId": "X1",
             "creditorName": "BANCO UM", "amount": 10.5},
            {"occurrenceDate": "2022-02-06", "legalNature": "EMPRESTIMO", "contractId": "X2",
             "creditorName": "BANCO DOIS", "amount": 20.25},
        ],
        "summary": {"count": 14, "balance": 9876.54},
    }  # fmt: skip
    report["negativeData"]["collectionRecords"] = {
        "collectionRecordsResponse": [
            {"occurrenceDate": "2020-03-07", "legalNature": "DIVIDA", "contractId": "D1",
             "creditorName": "CONCESSIONARIA", "amount": 99.99}
        ]
    }  # fmt: skip
    report["negativeData"]["check"] = {
        "checkResponse": [
            {"occurrenceDate": "2019-05-02", "checkNumber": "CCF-BB", "alinea": 12,
             "checkCount": 2, "amount": 0, "bankId": 1, "bankName": "BANCO DO BRASIL",
             "bankAgencyId": 1234, "city": "CAMPINAS", "federalUnit": "SP"}
        ],
        "summary": {"count": 3},
    }  # fmt: skip


def accented(report: dict) -> None:
    report["registration"]["consumerName"] = "JOSÉ DA CONCEIÇÃO ÂNGELO"
    report["negativeData"]["pefin"]["pefinResponse"][0]["creditorName"] = "CRÉDITO & AÇÃO LTDA"


def score_not_found(report: dict) -> None:
    report["score"] = {"codeMessage": 404, "message": "404 Score not found in CI-DATA-API."}


def pj_score_calculated(report: dict) -> None:
    report["score"] = {
        "score": 900,
        "scoreModel": "HPJ9",
        "defaultRate": "00030",
        "message": "PROBABILIDADE DE INADIMPLENCIA: 0,3%",
        "billing": True,
    }


def score_not_calculated(report: dict) -> None:
    report["score"] = {"scoreModel": "HRLN", "codeMessage": 836, "message": "SCORE NAO CALCULADO"}


ROUND_TRIP_DOCUMENTS = {
    "pf": PF_DOCUMENT,
    "pj": PJ_DOCUMENT,
    "pf_many_details": variant(PF_DOCUMENT, many_pefin),
    "pf_truncated_lists": variant(PF_DOCUMENT, truncated_refin),
    "pf_accents": variant(PF_DOCUMENT, accented),
    "pf_score_not_found": variant(PF_DOCUMENT, score_not_found),
    "pf_score_not_calculated": variant(PF_DOCUMENT, score_not_calculated),
    "pj_score_calculated": variant(PJ_DOCUMENT, pj_score_calculated),
    "pj_identification_only": {
        "reports": [{"registration": PJ_DOCUMENT["reports"][0]["registration"]}]
    },
}

# tipo → (negativeData block, list key, has a total)
KINDS = {
    "pefin": ("pefin", "pefinResponse", True),
    "refin": ("refin", "refinResponse", True),
    "dividas_vencidas": ("collectionRecords", "collectionRecordsResponse", True),
    "protestos": ("notary", "notaryResponse", True),
    "cheques": ("check", "checkResponse", False),
}


def plain(text: object) -> str:
    """Uppercase without accents, as the legacy protocol writes text."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def cents(amount: object) -> Decimal:
    return Decimal(str(amount or 0)).quantize(Decimal("0.01"))


def subset(document: dict) -> dict:
    """What the JSON and legacy formats agree on (docs/serasa.md)."""
    report = document["reports"][0]
    registration = report["registration"]
    negative = report.get("negativeData") or {}
    kinds = {}
    for tipo, (name, list_key, has_total) in KINDS.items():
        block = negative.get(name) or {}
        items = block.get(list_key) or []
        summary = block.get("summary") or {}
        count = summary["count"] if "count" in summary else len(items)
        total = (
            summary["balance"] if "balance" in summary else sum(cents(i["amount"]) for i in items)
        )
        details = [
            (
                item["occurrenceDate"],
                cents(item["amount"]),
                plain(item.get("creditorName"))[:30].strip(),
                plain(item.get("contractId"))[:16].strip(),
            )
            for item in items[:5]
        ]
        if tipo in ("protestos", "cheques"):
            details = [(date, amount) for date, amount, *_ in details]
        kinds[tipo] = {
            "count": count,
            "total": cents(total) if has_total else None,
            "details": details,
        }
    return {
        "document": registration.get("documentNumber") or registration.get("companyDocument"),
        "name": plain(registration.get("consumerName") or registration.get("companyName")),
        "born": registration.get("birthDate") or registration.get("foundationDate"),
        "kinds": kinds,
        "score": score_subset(report),
    }


def score_subset(report: dict) -> tuple | None:
    if "legacyScores" in report:
        n500 = [score for score in report["legacyScores"] if score["source"] == "N500"]
        score = n500[0] if n500 else None
    else:
        score = report.get("score")
        if score and score.get("scoreModel") is None and score.get("score") is None:
            score = None
    return None if score is None else (score.get("score"), score.get("range"))


@pytest.mark.parametrize("records_per_part", [31, 4, 3])
@pytest.mark.parametrize("name", list(ROUND_TRIP_DOCUMENTS))
def test_round_trip_agrees_on_the_subset(name, records_per_part):
    document = ROUND_TRIP_DOCUMENTS[name]
    parts = encode_answer(document, queried_at=QUERIED_AT, records_per_part=records_per_part)
    result = parse_archive(encode_archive([parts]))
    assert result.problems == []
    (found,) = result.answers
    assert found.problems == []
    assert subset(found.document) == subset(document)
    assert found.document["legacy"]["parts"] == len(parts)
    assert found.document["legacy"]["queriedAt"] == "2024-12-01T10:30:05"


def test_round_trip_details_are_cut_to_the_legacy_limits():
    document = ROUND_TRIP_DOCUMENTS["pf_many_details"]
    parts = encode_answer(document, queried_at=QUERIED_AT)
    report = parse_answer(parts).document["reports"][0]
    pefin = report["negativeData"]["pefin"]
    assert len(pefin["pefinResponse"]) == 5
    assert pefin["summary"]["count"] == 7
    first = pefin["pefinResponse"][0]
    assert first["creditorName"] == "BANCO COM UM NOME BEM MAIS LON"
    assert first["contractId"] == "CONTRATO-MUITO-L"
    assert first["principal"] is False
    assert pefin["summary"]["firstOccurrenceMonth"] == "2023-01"
    assert pefin["summary"]["lastOccurrenceMonth"] == "2023-07"


def test_encoded_layout_is_byte_exact():
    for document in ROUND_TRIP_DOCUMENTS.values():
        for part in encode_answer(document, queried_at=QUERIED_AT, records_per_part=4):
            assert part.isascii()
            assert (len(part) - 400) % 115 == 0
            records = [part[start : start + 115] for start in range(400, len(part), 115)]
            assert records[-1].startswith("T999000")
            assert len(records) <= 4


def test_encoder_writes_f900_with_the_same_score():
    parts = encode_answer(PF_DOCUMENT, queried_at=QUERIED_AT, include_f900=True)
    scores = parse_answer(parts).document["reports"][0]["legacyScores"]
    assert [(s["source"], s["score"], s["range"], s["defaultRate"]) for s in scores] == [
        ("N500", 350, "G", "35,90"),
        ("F900_REHM", 350, "G", "35,90"),
    ]


def test_encoder_multi_part_protocols():
    parts = encode_answer(ROUND_TRIP_DOCUMENTS["pf_many_details"], queried_at=QUERIED_AT,
                          records_per_part=4)  # fmt: skip
    assert [part[57:60] for part in parts] == ["CON"] * (len(parts) - 1) + ["FIM"]
    assert all(PARTIAL in part[-115:] for part in parts[:-1])
    assert PARTIAL not in parts[-1]


creditor_names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789&.-ÇÃÉÍÓÚÂÊÔÀ", max_size=45)


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 10**13 - 1), min_size=1, max_size=8),
    names=st.lists(creditor_names, min_size=8, max_size=8),
    days=st.lists(st.dates(datetime(1990, 1, 1).date(), datetime(2024, 11, 30).date()),
                  min_size=8, max_size=8),
)  # fmt: skip
def test_round_trip_property_pefin_details(amounts, names, days):
    items = [
        {"occurrenceDate": day.isoformat(), "amount": float(Decimal(cents).scaleb(-2)),
         "creditorName": name, "contractId": f"C{index}", "legalNature": "OUTRAS OPER"}
        for index, (cents, name, day) in enumerate(zip(amounts, names, days, strict=False))
    ]  # fmt: skip
    document = {
        "reports": [
            {"registration": {"documentNumber": "12345678909", "consumerName": "A"},
             "negativeData": {"pefin": {"pefinResponse": items}}}
        ]
    }  # fmt: skip
    parts = encode_answer(document, queried_at=QUERIED_AT, records_per_part=5)
    found = parse_answer(parts)
    assert found.problems == []
    assert subset(found.document) == subset(document)


VALID_ARCHIVE = encode_archive(
    [encode_answer(document, queried_at=QUERIED_AT, records_per_part=4, include_f900=True)
     for document in ROUND_TRIP_DOCUMENTS.values()]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(VALID_ARCHIVE) - 1), st.binary(min_size=0, max_size=3)),
        max_size=6,
    )
)
def test_damaged_archives_never_raise(edits):
    data = bytearray(VALID_ARCHIVE)
    for position, replacement in edits:
        data[position : position + 1] = replacement
    result = parse_archive(bytes(data))
    json.dumps([answer.document for answer in result.answers])


def test_empty_answer_is_a_problem():
    assert parse_answer([]).problems[0].message == "resposta vazia"
