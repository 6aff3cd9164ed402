"""Find secret values wherever a run writes: the bytes of every file, and the decoded values of
Parquet, DuckDB and SQLite files (their pages and blocks may be compressed, so bytes are not
enough). A finding names the file, where in it, and the secret's name, never its value."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

Secrets = Mapping[str, str]  # name -> value


@dataclass(frozen=True)
class Finding:
    path: Path
    where: str
    secret: str  # the name, so a failing test does not print the value

    def __str__(self) -> str:
        return f"{self.secret} in {self.path} ({self.where})"


def kind_of(head: bytes) -> str:
    """What a file is, by its magic bytes (not its name)."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head[8:12] == b"DUCK":
        return "duckdb"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return "other"


def found_in(text: str | bytes | None, secrets: Secrets) -> list[str]:
    """Names of the secrets whose value occurs in text."""
    if text is None:
        return []
    if isinstance(text, str):
        return [name for name, value in secrets.items() if value in text]
    return [
        name
        for name, value in secrets.items()
        if value.encode() in text or value.encode("utf-16-le") in text
    ]


def scan_bytes(path: Path, data: bytes, secrets: Secrets, where: str = "bytes") -> list[Finding]:
    return [Finding(path, where, name) for name in found_in(data, secrets)]


def _text_arrays(array: pa.Array) -> Iterator[pa.Array]:
    """Every string or binary array inside a column, nested types and dictionaries opened."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        yield from _text_arrays(array.dictionary)
    elif (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_binary_view(kind)
        or pa.types.is_fixed_size_binary(kind)
    ):
        yield array.cast(pa.large_binary())
    elif pa.types.is_struct(kind):
        for i in range(kind.num_fields):
            yield from _text_arrays(array.field(i))
    elif pa.types.is_map(kind):
        yield from _text_arrays(array.keys)
        yield from _text_arrays(array.items)
    elif (
        pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_list_view(kind)
        or pa.types.is_large_list_view(kind)
    ):
        yield from _text_arrays(array.flatten())


def _metadata_texts(metadata: Mapping[bytes, bytes] | None) -> Iterator[bytes]:
    for key, value in (metadata or {}).items():
        yield key
        yield value


def scan_parquet(path: Path, secrets: Secrets) -> list[Finding]:
    """Every string and binary value of every column, and the file's and schema's metadata."""
    findings = []
    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    metadata = [*_metadata_texts(parquet.metadata.metadata), *_metadata_texts(schema.metadata)]
    for field in schema:
        metadata.extend(_metadata_texts(field.metadata))
    for text in metadata:
        findings += [Finding(path, "parquet metadata", n) for n in found_in(text, secrets)]
    table = parquet.read()
    for column_name, column in zip(table.column_names, table.columns, strict=True):
        for chunk in column.chunks:
            for values in _text_arrays(chunk):
                for name, value in secrets.items():
                    hits = pc.match_substring(values, value)
                    first = pc.index(hits, True).as_py()
                    if first >= 0:
                        where = f"parquet column {column_name!r}, value #{first}"
                        findings.append(Finding(path, where, name))
    return findings


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# DuckDB's catalog: table and view definitions, comments, macros, sequences, indexes.
_DUCKDB_CATALOG = [
    "duckdb_tables()",
    "duckdb_views()",
    "duckdb_columns()",
    "duckdb_functions()",
    "duckdb_sequences()",
    "duckdb_indexes()",
]


def scan_duckdb(path: Path, secrets: Secrets) -> list[Finding]:
    """Every value of every table in every schema, cast to text, and the catalog's text."""
    findings = []
    names = list(secrets)
    with duckdb.connect(str(path), read_only=True) as con:
        for catalog in _DUCKDB_CATALOG:
            rows = con.execute(
                f"select * from {catalog} where database_name = current_database()"
            ).fetchall()
            for row in rows:
                for name in found_in(" ".join(str(v) for v in row), secrets):
                    findings.append(Finding(path, f"duckdb catalog {catalog}", name))
        tables = con.execute(
            """select schema_name, table_name from duckdb_tables()
               where database_name = current_database()"""
        ).fetchall()
        for schema, table in tables:
            columns = [
                column
                for (column,) in con.execute(
                    """select column_name from duckdb_columns()
                       where database_name = current_database() and schema_name = ?
                         and table_name = ? order by column_index""",
                    [schema, table],
                ).fetchall()
            ]
            checks = [
                f"coalesce(bool_or(contains(cast({_quoted(c)} as varchar), ${i + 1})), false)"
                for c in columns
                for i in range(len(names))
            ]
            sql = f"select {', '.join(checks)} from {_quoted(schema)}.{_quoted(table)}"
            flags = con.execute(sql, [secrets[n] for n in names]).fetchone()
            pairs = [(c, n) for c in columns for n in names]
            for (column, name), flag in zip(pairs, flags, strict=True):
                if flag:
                    findings.append(Finding(path, f"duckdb {schema}.{table}.{column}", name))
    return findings


def scan_sqlite(path: Path, secrets: Secrets) -> list[Finding]:
    """Every text and blob value of every table, and the schema's SQL, opened read-only."""
    findings = []
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        objects = con.execute("select type, name, sql from sqlite_master").fetchall()
        for kind, object_name, sql in objects:
            for name in found_in(sql, secrets):
                findings.append(Finding(path, f"sqlite schema of {object_name}", name))
            if kind != "table":
                continue
            cursor = con.execute(f"select * from {_quoted(object_name)}")
            columns = [d[0] for d in cursor.description]
            for row_no, row in enumerate(cursor):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str | bytes):
                        for name in found_in(value, secrets):
                            where = f"sqlite {object_name}.{column}, row #{row_no}"
                            findings.append(Finding(path, where, name))
    finally:
        con.close()
    return findings


DECODERS = {"parquet": scan_parquet, "duckdb": scan_duckdb, "sqlite": scan_sqlite}


def scan_file(path: Path, secrets: Secrets) -> tuple[str, list[Finding]]:
    """The file's kind and what was found: always its bytes, plus its decoded values."""
    data = path.read_bytes()
    kind = kind_of(data[:16])
    findings = scan_bytes(path, data, secrets)
    if kind == "gzip":
        findings += scan_bytes(path, gzip.decompress(data), secrets, "gzip-decompressed bytes")
    elif kind in DECODERS:
        findings += DECODERS[kind](path, secrets)
    return kind, findings


@dataclass
class ScanResult:
    findings: list[Finding]
    scanned: dict[Path, str]  # every file read, with its kind


def scan_tree(roots: Iterable[Path], secrets: Secrets) -> ScanResult:
    """Scan every file under the roots (a root may be a file). A file that vanishes between the
    listing and the reading (another process's temporary file) cannot be read and is skipped."""
    result = ScanResult([], {})
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            try:
                kind, findings = scan_file(path, secrets)
            except FileNotFoundError:
                continue
            result.scanned[path] = kind
            result.findings += findings
    return result
