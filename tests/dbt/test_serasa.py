"""The Serasa models built by real dbt (DuckDB) on a hand-made lake: JSON answers as the API sends
them (reference §2.6 and §2.7) and legacy answers as the parser normalises them (docs/serasa.md),
through staging, intermediate and the marts."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingestion.serasa.execute import RAW_SCHEMA
from ingestion.settings import Settings
from orchestration.lib.environment import DBT_EXECUTABLE, DBT_PROJECT_DIR, prepare_environment

# Every Serasa model (dbt's fqn selector: the three folders).
SERASA = ["staging.serasa", "intermediate.serasa", "marts.serasa"]
PRECOS_SCHEMA = pa.schema(
    [("item_tipo", pa.string()), ("item", pa.string()), ("preco", pa.decimal128(18, 2))]
)

# Reference §2.6: a PF with one pefin and one protest, a calculated score.
PF = {
    "reports": [
        {
            "reportName": "RELATORIO_BASICO_PF_PME",
            "registration": {
                "documentNumber": "12345678909", "consumerName": "FULANO DE TAL DA SILVA",
                "motherName": "BELTRANA DE TAL", "consumerGender": "M", "birthDate": "1985-04-12",
                "statusRegistration": "REGULAR", "statusDate": "2024-07-26",
                "address": {"addressLine": "R EXEMPLO 100", "district": "CENTRO",
                            "zipCode": "01001000", "country": "BRA", "city": "SAO PAULO",
                            "state": "SP"},
                "phone": {"regionCode": 55, "areaCode": 11, "phoneNumber": 912345678},
            },
            "negativeData": {
                "pefin": {
                    "pefinResponse": [
                        {"occurrenceDate": "2023-06-12", "legalNatureId": "OO",
                         "legalNature": "OUTRAS OPER", "contractId": "0000000000123456",
                         "creditorName": "EMPRESA CREDORA DE SERVICOS FINANCEIROS SA",
                         "amount": 418.51, "publicAgency": False, "principal": True}
                    ],
                    "summary": {"count": 1, "balance": 418.51, "firstOccurrence": "2023-06-12",
                                "lastOccurrence": "2023-06-12"},
                },
                "refin": {"refinResponse": [], "summary": {"count": 0, "balance": 0.0}},
                "notary": {
                    "notaryResponse": [
                        {"occurrenceDate": "2022-12-05", "amount": 1500.0, "officeNumber": "02",
                         "city": "SAO PAULO", "federalUnit": "SP"}
                    ],
                    "summary": {"count": 1, "balance": 1500.0},
                },
                "check": {"checkResponse": [],
                          "summary": {"count": 0, "checkCount": 0, "balance": 0.0}},
                "collectionRecords": {"collectionRecordsResponse": [],
                                      "summary": {"count": 0, "balance": 0.0}},
            },
            "score": {"score": 350, "scoreModel": "HRLN", "range": "G", "defaultRate": "35,90",
                      "codeMessage": 99,
                      "message": "ESPACO RESERVADO PARA MENSAGEM DA INSTITUICAO"},
            "negativeSummary": {},
            "facts": {"inquiry": {"inquiryResponse": [], "summary": {"count": 0}}},
            "partner": {"summary": {"count": 0, "balance": 0.0}},
        }
    ]
}  # fmt: skip

# Reference §2.7: a PJ whose notary has only a summary and whose pefin has only a list; the score
# was not calculated and not billed.
PJ = {
    "reports": [
        {
            "reportName": "RELATORIO_BASICO_PJ_PME",
            "registration": {"companyDocument": "11222333000181",
                             "companyName": "EMPRESA EXEMPLO LTDA", "foundationDate": "2010-03-01",
                             "statusRegistration": "SITUACAO DO CNPJ EM 10/01/2026: ATIVA"},
            "score": {"scoreModel": "H4PJ", "codeMessage": 836,
                      "message": "SCORE NAO CALCULADO - INSUFICIENCIA INFORMACOES BASE DE DADOS "
                                 "SERASA EXPERIAN",
                      "billing": False},
            "negativeData": {
                "pefin": {"pefinResponse": [
                    {"occurrenceDate": "2024-09-10", "inclusionDate": "2024-09-12",
                     "legalNatureId": "VM", "legalNature": "VENDA MERCAD",
                     "contractId": "152181901", "creditorName": "FORNECEDOR SA", "amount": 334.62,
                     "principal": True,
                     "dispute": {"disputeIndicativeFlag": False}, "cadus": "C404958025"},
                    {"occurrenceDate": "2024-10-01T00:00:00", "legalNature": "VENDA MERCAD",
                     "contractId": "152181902", "creditorName": "FORNECEDOR SA",
                     "amount": 100.0}]},
                "refin": {"summary": {"count": 0, "balance": 0.0}},
                "collectionRecords": {"summary": {"count": 0, "balance": 0.0}},
                "check": {"summary": {"count": 0, "balance": 0.0}},
                "notary": {"summary": {"count": 2, "balance": 2500.5}},
            },
            "negativeSummary": {},
        }
    ],
    "optionalFeatures": {},
}  # fmt: skip

# A legacy answer (older, same person as PF): N500 calculated, so it wins over F900_REHM.
LEGADO_N500 = {
    "reports": [
        {
            "reportName": "RELATORIO_BASICO_PF_PME",
            "registration": {"documentNumber": "12345678909",
                             "consumerName": "FULANO DE TAL DA SILVA", "birthDate": "1985-04-12"},
            "negativeData": {
                "pefin": {"pefinResponse": [
                    {"occurrenceDate": "2018-01-05", "amount": 10.0, "contractId": "A1",
                     "creditorName": "EMPRESA CREDORA DE SERVICOS FI"}],
                    "summary": {"count": 1, "balance": 10.0,
                                "firstOccurrenceMonth": "2018-01",
                                "lastOccurrenceMonth": "2018-01"}},
                "check": {"checkResponse": [{"occurrenceDate": "2018-02-01", "amount": 55.0}],
                          "summary": {"count": 1}},
            },
            "legacyScores": [
                {"source": "N500", "score": 712, "scoreModel": "HSPN", "range": "C",
                 "defaultRate": "05,10", "codeMessage": 0, "message": "", "calculated": True},
                {"source": "F900_REHM", "score": 640, "range": "D", "defaultRate": "07,00",
                 "codeMessage": 0, "message": "", "calculated": True},
            ],
            "internalPendencies": {"summary": {"count": 0}},
        }
    ],
    "legacy": {"queriedAt": "2019-05-02T10:00:00", "parts": 1,
               "trailer": {"code": "000", "message": ""}, "errors": []},
}  # fmt: skip

# A legacy answer with N500 not calculated (F900_REHM chosen), a pefin count beyond its list and
# fields nobody knows.
LEGADO_F900 = {
    "novidade": 1,
    "reports": [
        {
            "registration": {"documentNumber": "98765432100", "consumerName": "CICLANO",
                             "apelido": "CICLO"},
            "negativeData": {
                "pefin": {"pefinResponse": [
                    {"occurrenceDate": "2019-03-01", "amount": 99.99, "creditorName": "X"}],
                    "summary": {"count": 14}},
            },
            "legacyScores": [
                {"source": "N500", "scoreModel": "HSPN", "codeMessage": 836,
                 "message": "SCORE NAO CALCULADO", "calculated": False},
                {"source": "F900_REHM", "score": 480, "range": "E", "defaultRate": "12,00",
                 "calculated": True},
            ],
            "scoreExtra": {},
        }
    ],
    "legacy": {"queriedAt": "2019-06-02T10:00:00", "parts": 1,
               "trailer": {"code": "000", "message": ""}, "errors": []},
}  # fmt: skip


def _consulta(id_consulta: str, **fields) -> dict:
    row = {name: None for name in RAW_SCHEMA.names}
    row.update({"id_consulta": id_consulta, "id_solicitacao": f"sol-{id_consulta}", **fields})
    for key in ("documento_normalizado", "resposta"):
        if isinstance(row[key], dict):
            row[key] = json.dumps(row[key], ensure_ascii=False)
    return row


def _json_call(id_consulta: str, idpessoa: int, documento: dict, **fields) -> dict:
    defaults = {
        "formato": "json", "painel": "gestor", "usuario": "gestora", "chave": "incorporadora",
        "relatorios": '["Anotação negativa", "Escore de crédito"]', "resultado": "ok",
        "http_status": 200, "latencia_ms": 850, "renovacoes_token": 0,
    }  # fmt: skip
    return _consulta(
        id_consulta, idpessoa=idpessoa, documento_normalizado=documento, resposta=documento,
        **{**defaults, **fields},
    )  # fmt: skip


def _legacy_call(id_consulta: str, idpessoa: int, documento: dict, consultado: datetime) -> dict:
    """As ingestion lands an archived answer: no idpessoa, the document's keyed hash (the test's
    CRM people give hash 'hash-<idpessoa>')."""
    return _consulta(
        id_consulta, id_solicitacao=id_consulta, formato="legado", idpessoa=None,
        documento_hash=f"hash-{idpessoa}",
        tipo_pessoa="PF", relatorios='["Anotação negativa"]', resultado="ok", cobrada=True,
        report_name="RELATORIO_BASICO_PF_PME", consultado_em=consultado, solicitado_em=consultado,
        documento_normalizado=documento, resposta="B49C...T999",
    )  # fmt: skip


def _write(folder: Path, rows: list[dict], schema: pa.Schema, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema), folder / name)


def write_lake(raw_dir: Path) -> None:
    """The calls and prices of these tests, in raw lake layout (hive dt= partitions), with the
    empty schema partition ingestion writes."""
    consultas = raw_dir / "serasa" / "consultas"
    _write(consultas / "dt=1970-01-01", [], RAW_SCHEMA, "schema.parquet")
    pf = _json_call(
        "c-pf", 101, PF, tipo_pessoa="PF", report_name="RELATORIO_BASICO_PF_PME",
        optional_features="CONSULTAS_A_SERASA,SCORE_POSITIVO_SCORE_POSITIVO_PME", cobrada=True,
        solicitado_em=datetime(2026, 3, 10, 2, 29, 58),
        consultado_em=datetime(2026, 3, 10, 2, 30),  # 23:30 on 9 March in São Paulo
    )  # fmt: skip
    pj = _json_call(
        "c-pj", 202, PJ, tipo_pessoa="PJ", report_name="RELATORIO_BASICO_PJ_PME", cobrada=False,
        painel="corretor", usuario="corretor7", idusuario=7,
        solicitado_em=datetime(2026, 3, 11, 15, 0), consultado_em=datetime(2026, 3, 11, 15, 0, 1),
    )  # fmt: skip
    recusada = _consulta(
        "c-recusada", formato="json", painel="imobiliaria", usuario="imob3", idusuario=3,
        idpessoa=303, tipo_pessoa="PF", relatorios='["Escore de crédito"]',
        resultado="recusado", motivo="Relatório não contratado",
        solicitado_em=datetime(2026, 3, 12, 12, 0),
    )  # fmt: skip
    n500 = _legacy_call("legado-1", 101, LEGADO_N500, datetime(2019, 5, 2, 13, 0))
    f900 = _legacy_call("legado-2", 404, LEGADO_F900, datetime(2019, 6, 2, 13, 0))
    _write(consultas / "dt=2026-03-10", [pf, n500, f900], RAW_SCHEMA, "a.parquet")
    # The PF call exported again in a later load, beside the day's new calls.
    _write(consultas / "dt=2026-03-12", [pj, recusada, pf], RAW_SCHEMA, "b.parquet")
    precos = [
        {"item_tipo": "relatorio", "item": "RELATORIO_BASICO_PF_PME", "preco": Decimal("12.50")},
        {"item_tipo": "relatorio", "item": "RELATORIO_BASICO_PJ_PME", "preco": Decimal("20.00")},
        {"item_tipo": "optional_feature", "item": "CONSULTAS_A_SERASA", "preco": Decimal("1.10")},
    ]
    _write(raw_dir / "serasa" / "precos" / "dt=2026-03-12", precos, PRECOS_SCHEMA, "p.parquet")


def write_people(warehouse: Path) -> None:
    """The CRM's current people as the CRM models leave them (tested with those models), so the
    Serasa models can be built alone: names, CPFs and keyed hashes."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists intermediate")
        con.execute(
            """create table intermediate.int_crm__pessoas_atual as
               select * from (values
                   (101, 'hash-101', 'Fulano de Tal da Silva', '12345678909'),
                   (404, 'hash-404', 'Cliente Legado', '52998224725'),
                   (505, 'hash-101', 'Fulano em duplicidade', '12345678909')
               ) as t(idpessoa, cpf_hash, nome, documento)"""
        )


def build_serasa_models(data_dir: Path, write_inputs: Callable[[Settings], None]) -> Path:
    """Write the inputs into a fresh data folder, build the Serasa models alone with dbt
    (DuckDB), and return the warehouse."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALICERCE_DATA_DIR", str(data_dir))
        patch.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        patch.setenv("ALICERCE_ENGINE", "duckdb")
        settings = Settings()
        prepare_environment(settings)
        write_inputs(settings)
        target = data_dir / "dbt-target"
        completed = subprocess.run(
            [str(DBT_EXECUTABLE), "build", "--select", *SERASA, "--profiles-dir", ".",
             "--target-path", str(target), "--log-path", str(target / "logs")],
            cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stdout[-4000:]
        return settings.warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def write_inputs(settings: Settings) -> None:
        write_lake(settings.raw_dir)
        write_people(settings.warehouse)

    return build_serasa_models(tmp_path_factory.mktemp("serasa") / "data", write_inputs)


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_uma_linha_por_consulta_com_score_custo_e_data(warehouse: Path):
    rows = _rows(
        warehouse,
        """select id_consulta, formato, relatorios, resultado, data_consulta, score, faixa_score,
                  custo, preco_conhecido, campos_desconhecidos
           from marts.serasa_consultas order by id_consulta""",
    )
    assert rows == [
        ("c-pf", "json", "Anotação negativa, Escore de crédito", "ok", date(2026, 3, 9), 350,
         "G", Decimal("13.60"), False, 0),
        ("c-pj", "json", "Anotação negativa, Escore de crédito", "ok", date(2026, 3, 11), None,
         None, None, None, 0),
        ("c-recusada", "json", "Escore de crédito", "recusado", date(2026, 3, 12), None, None,
         None, None, 0),
        ("legado-1", "legado", "Anotação negativa", "ok", date(2019, 5, 2), 712, "C",
         Decimal("12.50"), True, 0),
        ("legado-2", "legado", "Anotação negativa", "ok", date(2019, 6, 2), 480, "E",
         Decimal("12.50"), True, 3),
    ]  # fmt: skip


def test_anotacoes_por_tipo(warehouse: Path):
    rows = _rows(
        warehouse,
        """select id_consulta, tipo, quantidade, fonte_quantidade, quantidade_listada, valor_total
           from marts.serasa_anotacoes order by id_consulta, tipo""",
    )
    assert rows == [
        ("c-pf", "cheques", 0, "resumo", 0, None),
        ("c-pf", "dividas_vencidas", 0, "resumo", 0, Decimal("0.00")),
        ("c-pf", "pefin", 1, "resumo", 1, Decimal("418.51")),
        ("c-pf", "protestos", 1, "resumo", 1, Decimal("1500.00")),
        ("c-pf", "refin", 0, "resumo", 0, Decimal("0.00")),
        ("c-pj", "cheques", 0, "resumo", 0, None),
        ("c-pj", "dividas_vencidas", 0, "resumo", 0, Decimal("0.00")),
        ("c-pj", "pefin", 2, "lista", 2, Decimal("434.62")),
        ("c-pj", "protestos", 2, "resumo", 0, Decimal("2500.50")),
        ("c-pj", "refin", 0, "resumo", 0, Decimal("0.00")),
        ("legado-1", "cheques", 1, "resumo", 1, None),
        ("legado-1", "pefin", 1, "resumo", 1, Decimal("10.00")),
        ("legado-2", "pefin", 14, "resumo", 1, None),
    ]


def test_itens_com_credor_no_limite_do_legado(warehouse: Path):
    rows = _rows(
        warehouse,
        """select id_consulta, tipo, posicao, data_ocorrencia, valor, credor, credor_completo,
                  contrato
           from intermediate.int_serasa__anotacoes
           where id_consulta in ('c-pf', 'c-pj', 'legado-1') and tipo = 'pefin'
           order by id_consulta, posicao""",
    )
    assert rows == [
        ("c-pf", "pefin", 1, date(2023, 6, 12), Decimal("418.51"),
         "EMPRESA CREDORA DE SERVICOS FI", "EMPRESA CREDORA DE SERVICOS FINANCEIROS SA",
         "0000000000123456"),
        ("c-pj", "pefin", 1, date(2024, 9, 10), Decimal("334.62"), "FORNECEDOR SA",
         "FORNECEDOR SA", "152181901"),
        ("c-pj", "pefin", 2, date(2024, 10, 1), Decimal("100.00"), "FORNECEDOR SA",
         "FORNECEDOR SA", "152181902"),
        ("legado-1", "pefin", 1, date(2018, 1, 5), Decimal("10.00"),
         "EMPRESA CREDORA DE SERVICOS FI", "EMPRESA CREDORA DE SERVICOS FI", "A1"),
    ]  # fmt: skip


def test_resumo_por_cliente_da_ultima_consulta_ok(warehouse: Path):
    rows = _rows(
        warehouse,
        """select idpessoa, score, faixa_score, modelo_score, fonte_score, score_em,
                  pefin_quantidade, pefin_valor, protestos_quantidade, protestos_valor,
                  cheques_quantidade, anotacoes_quantidade, ultima_consulta_em,
                  ultima_consulta_formato, consultas
           from marts.serasa_resumo_cliente order by idpessoa""",
    )
    assert rows == [
        (101, 350, "G", "HRLN", "json", datetime(2026, 3, 10, 2, 30), 1, Decimal("418.51"), 1,
         Decimal("1500.00"), 0, 2, datetime(2026, 3, 10, 2, 30), "json", 2),
        # The PJ's only score was not calculated: no score, its annotations all the same.
        (202, None, None, None, None, None, 2, Decimal("434.62"), 2, Decimal("2500.50"), 0, 4,
         datetime(2026, 3, 11, 15, 0, 1), "json", 1),
        (404, 480, "E", None, "legado_f900", datetime(2019, 6, 2, 13, 0), 14, None, None, None,
         None, 14, datetime(2019, 6, 2, 13, 0), "legado", 1),
    ]  # fmt: skip


def test_cadastro_scores_e_campos_desconhecidos(warehouse: Path):
    cadastro = _rows(
        warehouse,
        """select id_consulta, documento, nome, data_nascimento, situacao, nome_mae
           from intermediate.int_serasa__cadastro where id_consulta in ('c-pf', 'c-pj')
           order by id_consulta""",
    )
    assert cadastro == [
        ("c-pf", "12345678909", "FULANO DE TAL DA SILVA", date(1985, 4, 12), "REGULAR",
         "BELTRANA DE TAL"),
        ("c-pj", "11222333000181", "EMPRESA EXEMPLO LTDA", date(2010, 3, 1),
         "SITUACAO DO CNPJ EM 10/01/2026: ATIVA", None),
    ]  # fmt: skip
    scores = _rows(
        warehouse,
        """select id_consulta, fonte, score, calculado, codigo_mensagem, cobranca,
                  score_da_consulta
           from intermediate.int_serasa__scores order by id_consulta, fonte""",
    )
    assert scores == [
        ("c-pf", "json", 350, True, 99, None, True),
        ("c-pj", "json", None, False, 836, False, True),
        ("legado-1", "legado_f900", 640, True, 0, None, False),
        ("legado-1", "legado_n500", 712, True, 0, None, True),
        ("legado-2", "legado_f900", 480, True, None, None, True),
        ("legado-2", "legado_n500", None, False, 836, None, False),
    ]
    desconhecidos = _rows(
        warehouse,
        """select id_consulta, formato, caminho, campo from marts.serasa_campos_desconhecidos
           order by caminho, campo""",
    )
    assert desconhecidos == [
        ("legado-2", "legado", "$", "novidade"),
        ("legado-2", "legado", "$.reports[0]", "scoreExtra"),
        ("legado-2", "legado", "$.reports[0].registration", "apelido"),
    ]
