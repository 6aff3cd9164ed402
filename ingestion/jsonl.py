"""JSON Lines landing files, read and parsed the same way for every event source (portal events,
survey dispatches, Serasa requests): a file's lines without a Python loop per line, and the CTEs
that decode, drop blank lines and parse each line once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from ingestion.accounting import IngestReport
from ingestion.landing import FileOutcome, PendingFile, ingest_new_files, write_file_outputs
from ingestion.settings import Settings

# A rejected line's text for people to read: as received, without its line end.
CONTENT_SQL = "rtrim(try(decode(l.raw)), chr(10) || chr(13))"


def json_lines_frame(path: Path) -> pl.DataFrame:
    """A JSON Lines file's non-blank lines as one string column `line`, unparsed (read as a
    one-column CSV whose separator never occurs in JSON text)."""
    return pl.read_csv(
        path,
        has_header=False,
        new_columns=["line"],
        separator="\x1f",
        quote_char=None,
        schema_overrides={"line": pl.String},
    ).filter(pl.col("line").str.strip_chars() != "")


def file_lines(pending: PendingFile) -> pa.Table:
    """The file's lines as (file_no, line_no, raw) without copying them one by one: the file's
    bytes become the values buffer and the newline positions its offsets. Each raw value keeps
    its line end; `parsed_lines_sql` strips it."""
    data = pending.path.read_bytes()
    newlines = np.flatnonzero(np.frombuffer(data, np.uint8) == ord("\n"))
    offsets = np.concatenate(([0], newlines + 1, [len(data)])).astype(np.int64)
    count = len(offsets) - 1
    raw = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    return pa.table(
        {
            "file_no": pa.array(np.full(count, pending.file_no, np.int64)),
            "line_no": pa.array(np.arange(1, count + 1, dtype=np.int64)),
            "raw": raw,
        }
    )


def parsed_lines_sql(lines_relation: str, fields: tuple[str, ...]) -> str:
    """`with` CTEs over a relation (file_no, line_no, raw BLOB with or without its line end),
    ending in `parsed`: one row per non-blank line with (file_no, line_no, line, j, v), where
    `line` is NULL for invalid UTF-8, `j` is NULL unless the line is a JSON object, and v[i] is
    the JSON value of top-level field fields[i-1]."""
    paths = ", ".join(f"'$.{field}'" for field in fields)
    return f"""
with decoded as (
    select file_no, line_no, try(decode(raw)) as text from {lines_relation}
),
lines as (
    -- Without the line end. (Slicing: rtrim costs more than the rest of the validation here.)
    select
        file_no,
        line_no,
        case
            when ends_with(text, e'\\r\\n') then text[:-3]
            when ends_with(text, e'\\n') then text[:-2]
            else text
        end as line
    from decoded
),
nonblank as (
    -- Valid JSON is never blank, so only the other lines pay for trim.
    select * from lines
    where line is null or json_valid(line) or trim(line) <> ''
),
parsed as (
    -- One parse per line: the top-level fields come out together, as small JSON values.
    select file_no, line_no, line, j, json_extract(j, [{paths}]) as v
    from (
        select
            file_no, line_no, line,
            case when json_valid(line) and starts_with(ltrim(line), '{{') then line end as j
        from nonblank
    )
)"""


# (connection, settings, lines relation): judge the lines into temp tables `judged`, `classified`
Judge = Callable[[duckdb.DuckDBPyConnection, Settings, str], None]


def ingest_jsonl_files(
    settings: Settings,
    source: str,
    table: str,
    raw_schema: pa.Schema,
    judge: Judge,
    loaded_sql: Callable[[datetime], str],
    rejected_sql: str,
    load_date: str,
    progress: Callable[[str], None],
    landing_folder: str | None = None,
) -> IngestReport:
    """Ingest every new *.jsonl file under landing/<landing_folder> (default: the source's
    name): each batch's lines judged by `judge`,
    the rows `loaded_sql` selects written to the lake, the `rejected_sql` ones to quarantine with
    the line as received."""

    def ingest_batch(
        con: duckdb.DuckDBPyConnection,
        settings: Settings,
        batch: list[PendingFile],
        load_date: str,
    ) -> list[FileOutcome]:
        con.register("lines", pa.concat_tables(file_lines(pending) for pending in batch))
        judge(con, settings, "lines")
        outcomes = write_file_outputs(
            con,
            settings,
            source,
            table,
            load_date,
            batch,
            loaded_sql=loaded_sql(datetime.now(UTC).replace(tzinfo=None)),
            quarantine_sql=f"""
                select r.file_no, r.line_no, r.reason, {CONTENT_SQL} as content, l.raw
                from ({rejected_sql}) as r join lines as l using (file_no, line_no)""",
            records_sql="select file_no from judged",
        )
        con.unregister("lines")
        return outcomes

    return ingest_new_files(
        settings,
        source,
        table,
        settings.landing_dir / (landing_folder or source),
        "*.jsonl",
        raw_schema,
        ingest_batch,
        load_date,
        progress,
    )
