"""Serasa query requests from the CRM: landing JSON Lines (landing/serasa/solicitacoes/*.jsonl)
-> validated raw Parquet + quarantine, counts reconciled (docs/serasa.md, "Requests"). Keyed by
id: an exact repeat is a duplicate, the same id with other content a conflict (the earliest stays).

What a line must hold is checked here; whether it can be answered (a valid CPF, a contracted
report, a key for its panel) is decided when it is executed, and a refusal is recorded as the
query's outcome, never as quarantine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb
import pyarrow as pa

from ingestion import dedup, lake
from ingestion.accounting import IngestReport
from ingestion.jsonl import ingest_jsonl_files, parsed_lines_sql
from ingestion.settings import Settings

SOURCE, TABLE = "serasa", "solicitacoes"
LANDING_FOLDER = "serasa/solicitacoes"
FIELDS = (
    "id", "painel", "usuario", "idusuario", "idpessoa", "documento", "relatorios", "forcar",
    "solicitado_em",
)  # fmt: skip
PAINEIS = ("gestor", "imobiliaria", "corretor")

RAW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("painel", pa.string()),
        ("usuario", pa.string()),
        ("idusuario", pa.int64()),
        ("idpessoa", pa.int64()),
        ("documento", pa.string()),
        ("relatorios", pa.string()),  # JSON list, as received
        ("forcar", pa.bool_()),
        ("solicitado_em", pa.string()),
        ("solicitado_em_utc", pa.timestamp("us")),
        ("content_hash", pa.string()),
        ("source_file", pa.string()),
        ("line_no", pa.int64()),
        ("ingested_at", pa.timestamp("us")),
    ]
)

_INTEGER_TYPES = "('BIGINT', 'UBIGINT')"
_OFFSET_PATTERN = r"[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$"


def _value(field: str) -> str:
    return f"v[{FIELDS.index(field) + 1}]"


def _type(field: str) -> str:
    return f"coalesce(json_type({_value(field)}), 'NULL')"


def _text(field: str) -> str:
    return f"({_value(field)} ->> '$')"


def validation_sql(lines_relation: str) -> str:
    """One row per non-blank line: the parsed columns and `reason` (NULL when valid)."""
    painel_list = ", ".join(f"'{p}'" for p in PAINEIS)
    return f"""{parsed_lines_sql(lines_relation, FIELDS)},
judged as (
    select
        file_no, line_no, line, v,
        case
            when line is null then 'invalid_utf8'
            when j is null then 'invalid_json'
            when {_type("id")} = 'NULL' or trim({_text("id")}) = '' then 'missing_field:id'
            when {_type("id")} not in ('VARCHAR', 'BIGINT', 'UBIGINT') then 'bad_type:id'
            when {_type("painel")} = 'NULL' then 'missing_field:painel'
            when {_text("painel")} not in ({painel_list}) then 'bad_value:painel'
            when {_type("usuario")} <> 'VARCHAR' or trim({_text("usuario")}) = ''
                then 'missing_field:usuario'
            when {_type("idusuario")} not in ('NULL', 'BIGINT', 'UBIGINT') then 'bad_type:idusuario'
            when {_text("painel")} <> 'gestor' and {_type("idusuario")} = 'NULL'
                then 'missing_field:idusuario'
            when {_type("idpessoa")} not in ('NULL', 'BIGINT', 'UBIGINT') then 'bad_type:idpessoa'
            when {_type("documento")} not in ('NULL', 'VARCHAR') then 'bad_type:documento'
            when {_type("idpessoa")} = 'NULL' and coalesce(trim({_text("documento")}), '') = ''
                then 'missing_field:idpessoa_ou_documento'
            when {_type("relatorios")} <> 'ARRAY' then 'bad_type:relatorios'
            when json_array_length({_value("relatorios")}) = 0 then 'missing_field:relatorios'
            when list_bool_or(list_transform(
                    json_extract({_value("relatorios")}, '$[*]'),
                    lambda x: coalesce(json_type(x), 'NULL') <> 'VARCHAR'))
                then 'bad_type:relatorios'
            when {_type("forcar")} not in ('NULL', 'BOOLEAN') then 'bad_type:forcar'
            when {_type("solicitado_em")} <> 'VARCHAR' then 'missing_field:solicitado_em'
            when not regexp_matches({_text("solicitado_em")}, '{_OFFSET_PATTERN}')
                then 'missing_offset:solicitado_em'
            when try_cast({_text("solicitado_em")} as timestamptz) is null
                then 'bad_timestamp:solicitado_em'
        end as reason
    from parsed
)
select
    file_no,
    line_no,
    reason,
    case when reason is null then {_text("id")} end as id,
    case when reason is null then {_text("painel")} end as painel,
    case when reason is null then {_text("usuario")} end as usuario,
    case when reason is null then {_value("idusuario")}::bigint end as idusuario,
    case when reason is null then {_value("idpessoa")}::bigint end as idpessoa,
    case when reason is null then {_text("documento")} end as documento,
    case when reason is null then {_value("relatorios")}::varchar end as relatorios,
    case when reason is null then coalesce({_value("forcar")}::boolean, false) end as forcar,
    case when reason is null then {_text("solicitado_em")} end as solicitado_em,
    case when reason is null
        then try_cast({_text("solicitado_em")} as timestamptz) at time zone 'UTC'
    end as solicitado_em_utc,
    case when reason is null then md5(line) end as content_hash
from judged
"""


def judge(con: duckdb.DuckDBPyConnection, settings: Settings, lines_relation: str) -> None:
    con.execute(f"create or replace temp table judged as {validation_sql(lines_relation)}")
    dedup.classify(
        con,
        "(select * from judged where reason is null)",
        ["id"],
        lake.table_glob(settings.raw_dir, SOURCE, TABLE),
    )


def loaded_sql(ingested_at: datetime) -> str:
    return f"""
        select file_no, id, painel, usuario, idusuario, idpessoa, documento, relatorios, forcar,
               solicitado_em, solicitado_em_utc, content_hash, line_no,
               '{ingested_at.isoformat()}'::timestamp as ingested_at
        from classified where outcome = 'loaded'"""


REJECTED_SQL = """
    select file_no, line_no, reason from judged where reason is not null
    union all
    select file_no, line_no, 'conflict:id' from classified where outcome = 'conflict'"""


def ingest_requests(
    settings: Settings, load_date: str, progress: Callable[[str], None] = lambda _: None
) -> IngestReport:
    """Ingest every new *.jsonl file under landing/serasa/solicitacoes into the raw lake."""
    return ingest_jsonl_files(
        settings,
        SOURCE,
        TABLE,
        RAW_SCHEMA,
        judge,
        loaded_sql,
        REJECTED_SQL,
        load_date,
        progress,
        landing_folder=LANDING_FOLDER,
    )
