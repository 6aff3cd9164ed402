"""Survey dispatch log: landing JSON Lines -> validated raw Parquet + quarantine, counts
reconciled (docs/sources.md, "Survey dispatches"). Keyed by idenvio: an exact repeat is a
duplicate, the same idenvio with other content a conflict (the earliest stays)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb
import pyarrow as pa

from ingestion import dedup, lake
from ingestion.accounting import IngestReport
from ingestion.jsonl import ingest_jsonl_files, parsed_lines_sql
from ingestion.settings import Settings

SOURCE, TABLE = "pesquisas", "envios"
FIELDS = ("idenvio", "idpesquisa", "gatilho", "idorigem", "idservico", "idpessoa", "enviado_em")
REQUIRED_INTEGERS = ("idenvio", "idpesquisa", "idpessoa")
OPTIONAL_INTEGERS = ("idorigem", "idservico")

RAW_SCHEMA = pa.schema(
    [
        ("idenvio", pa.int64()),
        ("idpesquisa", pa.int64()),
        ("gatilho", pa.string()),
        ("idorigem", pa.int64()),
        ("idservico", pa.int64()),
        ("idpessoa", pa.int64()),
        ("enviado_em", pa.string()),
        ("enviado_em_utc", pa.timestamp("us")),
        ("content_hash", pa.string()),
        ("source_file", pa.string()),
        ("line_no", pa.int64()),
        ("ingested_at", pa.timestamp("us")),
    ]
)

_INTEGER_TYPES = "('BIGINT', 'UBIGINT')"
_OFFSET_PATTERN = r"[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$"


def _type(field: str) -> str:
    return f"json_type(v[{FIELDS.index(field) + 1}])"


def _value(field: str) -> str:
    return f"v[{FIELDS.index(field) + 1}]"


def _absent(field: str) -> str:
    return f"coalesce({_type(field)}, 'NULL') = 'NULL'"


def validation_sql(lines_relation: str) -> str:
    """One row per non-blank line: the parsed columns and `reason` (NULL when the line is
    valid). An id is a JSON integer; idorigem and idservico may be null or absent."""
    missing = "\n".join(
        f"            when {_absent(f)} then 'missing_field:{f}'"
        for f in ("idenvio", "idpesquisa", "gatilho", "idpessoa", "enviado_em")
    )
    bad_types = "\n".join(
        [
            *(
                f"            when {_type(f)} not in {_INTEGER_TYPES} then 'bad_type:{f}'"
                for f in REQUIRED_INTEGERS
            ),
            *(
                f"            when not {_absent(f)} and {_type(f)} not in {_INTEGER_TYPES} "
                f"then 'bad_type:{f}'"
                for f in OPTIONAL_INTEGERS
            ),
            *(
                f"            when {_type(f)} <> 'VARCHAR' then 'bad_type:{f}'"
                for f in ("gatilho", "enviado_em")
            ),
        ]
    )
    return f"""{parsed_lines_sql(lines_relation, FIELDS)},
judged as (
    select
        file_no, line_no, line, v,
        {_value("enviado_em")} ->> '$' as enviado_em,
        try_cast({_value("enviado_em")} ->> '$' as timestamptz) as enviado_ts,
        case
            when line is null then 'invalid_utf8'
            when j is null then 'invalid_json'
{missing}
{bad_types}
            when trim({_value("gatilho")} ->> '$') = '' then 'missing_field:gatilho'
            when not regexp_matches({_value("enviado_em")} ->> '$', '{_OFFSET_PATTERN}')
                then 'missing_offset:enviado_em'
            when try_cast({_value("enviado_em")} ->> '$' as timestamptz) is null
                then 'bad_timestamp:enviado_em'
        end as reason
    from parsed
)
select
    file_no,
    line_no,
    reason,
    case when reason is null then {_value("idenvio")}::bigint end as idenvio,
    case when reason is null then {_value("idpesquisa")}::bigint end as idpesquisa,
    case when reason is null then {_value("gatilho")} ->> '$' end as gatilho,
    case when reason is null then {_value("idorigem")}::bigint end as idorigem,
    case when reason is null then {_value("idservico")}::bigint end as idservico,
    case when reason is null then {_value("idpessoa")}::bigint end as idpessoa,
    enviado_em,
    case when reason is null then enviado_ts at time zone 'UTC' end as enviado_em_utc,
    case when reason is null then md5(line) end as content_hash
from judged
"""


def judge(con: duckdb.DuckDBPyConnection, settings: Settings, lines_relation: str) -> None:
    """Judge lines (file_no, line_no, raw) into temp tables `judged` (every non-blank line, with
    its reason or none) and `classified` (the valid ones: loaded, duplicate or conflict)."""
    con.execute(f"create or replace temp table judged as {validation_sql(lines_relation)}")
    dedup.classify(
        con,
        "(select * from judged where reason is null)",
        ["idenvio"],
        lake.table_glob(settings.raw_dir, SOURCE, TABLE),
    )


def loaded_sql(ingested_at: datetime) -> str:
    """After `judge`: the rows to load, with file_no and line_no."""
    return f"""
        select file_no, idenvio, idpesquisa, gatilho, idorigem, idservico, idpessoa,
               enviado_em, enviado_em_utc, content_hash, line_no,
               '{ingested_at.isoformat()}'::timestamp as ingested_at
        from classified where outcome = 'loaded'"""


REJECTED_SQL = """
    select file_no, line_no, reason from judged where reason is not null
    union all
    select file_no, line_no, 'conflict:idenvio' from classified where outcome = 'conflict'"""


def ingest_dispatches(
    settings: Settings, load_date: str, progress: Callable[[str], None] = lambda _: None
) -> IngestReport:
    """Ingest every new *.jsonl file under landing/pesquisas into the raw lake."""
    return ingest_jsonl_files(
        settings, SOURCE, TABLE, RAW_SCHEMA, judge, loaded_sql, REJECTED_SQL, load_date, progress
    )


def first_dispatch_month(settings: Settings) -> str | None:
    """The São Paulo month (YYYY-MM) of the earliest dispatch in the raw lake; None if empty."""
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'America/Sao_Paulo'")
        (month,) = con.execute(
            """select strftime(min(enviado_em_utc at time zone 'UTC'), '%Y-%m')
               from read_parquet(?, union_by_name = true)""",
            [lake.table_glob(settings.raw_dir, SOURCE, TABLE)],
        ).fetchone()
    return month
