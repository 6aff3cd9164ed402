"""The survey dispatch log (landing/pesquisas/envios-YYYY-MM.jsonl), from a block's CRM records.

A survey is sent after a CRM record's triggering event (DESIGN.md, "Survey protocols"; the
triggers are those of ingestion/surveys/gatilhos.yml): most a few days later, some at the event's
very second, some exactly at the end of the trigger's window. Before the CRM's release 24.12 most
dispatches do not say which record triggered them (no idorigem), so that the protocol backfill has
to find it, and the data gives it every case to handle:
- one candidate record (most dispatches);
- several: the later of two records of the same type and client whose events lie within one window
  is always surveyed, inside the window of the earlier one too, without idorigem;
- none: a few extra dispatches for a client without a record of that type, or later than the
  window after a record; some without idservico either (the survey's own id is the last resort).

Dispatches are numbered in time order within a block; the log keeps the ids running across blocks.
With defects on, each block adds a few lines that ingestion rejects or counts as duplicates (every
defect is an extra line, the valid ones stay as they are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ingestion.demo.clock import (
    DAY,
    epoch_of_local,
    format_iso_with_offset,
    format_local_without_offset,
    local_month,
    local_to_epoch,
)

DISPATCH_FILE_PATTERN = "envios-*.jsonl"


@dataclass(frozen=True)
class Trigger:
    gatilho: str
    table: str  # the CVDW object of the record
    id_field: str  # the record's id: the dispatch's idorigem
    person_field: str  # the client: the dispatch's idpessoa
    event_field: str  # the triggering event: 'YYYY-MM-DD HH:MM:SS', or a date (from 00:00)
    date_only: bool
    window_days: int


TRIGGERS = (
    Trigger("precadastro", "precadastros", "idprecadastro", "idpessoa", "data_cad", False, 30),
    Trigger("reserva", "reservas", "idreserva", "idcliente", "data_cad", False, 30),
    Trigger("venda", "vendas", "idreserva", "idcliente", "data_venda", True, 30),
    Trigger("repasse", "repasses", "idrepasse", "idcliente", "data_cadastro", False, 60),
    Trigger(
        "atendimento", "atendimentos", "idatendimento", "idcliente", "data_situacao", False, 15
    ),
    Trigger(
        "assistencia_tecnica", "assistencias", "idassistencia", "idcliente", "data_conclusao",
        True, 30,
    ),
)  # fmt: skip
GATILHOS = tuple(trigger.gatilho for trigger in TRIGGERS)
WINDOWS = np.array([trigger.window_days * DAY for trigger in TRIGGERS], dtype=np.int64)

SURVEYED = 0.6  # records that get a dispatch
MEAN_DELAY = 2 * DAY
AT_EVENT = 0.03  # dispatched at the event's very second
AT_WINDOW_END = 0.03  # dispatched exactly at the end of the window
ORIGIN_RELEASE = date(2024, 12, 1)  # the CRM records idorigem from release 24.12 on
ORIGIN_SHARE_BEFORE, ORIGIN_SHARE_AFTER = 0.25, 0.97
SERVICE_SHARE = 0.4  # dispatches with an idservico
SMALL_SERVICE_IDS = 20  # idservico drawn from 1..20 where no development is at hand
ORPHANS = 0.05  # extra dispatches with no candidate record, per triggered dispatch
LATE_BY = (DAY, 30 * DAY)  # how much later than the window a late orphan comes
FIRST_IDENVIO = 1
FRESH_IDENVIO_OFFSET = 9_000_000_000  # defect lines with a key of their own: offset + source's id

# Keys are the quarantine reasons of ingestion/surveys/dispatches.py, plus 'duplicate'.
DEFECTS_PER_PERSON = {
    "invalid_json": 1 / 2000,
    "missing_field:idpessoa": 1 / 2000,
    "missing_offset:enviado_em": 1 / 2000,
    "conflict:idenvio": 1 / 2000,
    "duplicate": 1 / 500,
}
DEFECT_KINDS = tuple(DEFECTS_PER_PERSON)

# Columns of the dispatches drawn from a block, before they are numbered and written.
_DRAWN = ["gatilho", "idorigem", "idpessoa", "idservico", "at"]


def dispatch_file_name(month: int) -> str:
    """envios-YYYY-MM.jsonl for a month counted from 1970-01."""
    return f"envios-{1970 + month // 12:04d}-{month % 12 + 1:02d}.jsonl"


@dataclass(frozen=True)
class Surveys:
    """The demo surveys a dispatch can belong to: the sent ones (not drafts), by start."""

    ids: np.ndarray
    starts: np.ndarray  # epoch of 00:00 São Paulo of dataInicio
    count: int  # every survey, drafts included (ids 1..count)

    @classmethod
    def from_frame(cls, pesquisas: pl.DataFrame) -> Surveys:
        """From the pesquisas rows (JSON literals, see cvdw_rows), their latest versions."""
        rows = _latest(pesquisas).select(
            idpesquisa=pl.col("idpesquisa").cast(pl.Int64),
            start=_wall_clock("dataInicio", date_only=True),
            draft=pl.col("situacao") == '"Rascunho"',
        )
        sent = rows.filter(~pl.col("draft")) if not rows["draft"].all() else rows
        sent = sent.sort("start", "idpesquisa")
        return cls(
            ids=sent["idpesquisa"].to_numpy(),
            starts=local_to_epoch(sent["start"].to_numpy()),
            count=int(rows["idpesquisa"].max()),
        )

    def at(self, epoch: np.ndarray) -> np.ndarray:
        """The survey started last at or before each instant (the earliest before any)."""
        position = np.searchsorted(self.starts, epoch, side="right") - 1
        return self.ids[np.clip(position, 0, len(self.ids) - 1)]


class DispatchLog:
    """The dispatch log of a generation, block by block: the lines to append (month, line), with
    idenvio running on across blocks, and the counts of what was produced."""

    def __init__(self, surveys: Surveys, until_end: int) -> None:
        self.surveys = surveys
        self.until_end = until_end
        self.last_month = int(local_month(np.array([until_end]))[0])
        self.next_idenvio = FIRST_IDENVIO
        self.loadable = 0
        self.defects = dict.fromkeys(DEFECT_KINDS, 0)

    def block_lines(
        self,
        rng: np.random.Generator,
        frames: dict[str, pl.DataFrame],
        people: int,
        defects_rng: np.random.Generator | None,
    ) -> pl.DataFrame:
        """A block's lines (columns month, line), from its CRM rows (see crm_objects); with
        defects_rng, a few defect lines after the valid ones."""
        dispatches = dispatch_frame(rng, frames, self.surveys, self.next_idenvio, self.until_end)
        self.next_idenvio += dispatches.height
        self.loadable += dispatches.height
        lines = dispatches.select("month", "line")
        if defects_rng is not None and dispatches.height:
            bad, counts = defect_lines(
                defects_rng, dispatches, people, self.last_month, self.surveys.count
            )
            lines = pl.concat([lines, bad])
            for kind, count in counts.items():
                self.defects[kind] += count
        return lines

    @property
    def lines(self) -> int:
        return self.loadable + sum(self.defects.values())


def dispatch_frame(
    rng: np.random.Generator,
    frames: dict[str, pl.DataFrame],
    surveys: Surveys,
    first_idenvio: int,
    until_end: int,
) -> pl.DataFrame:
    """A block's dispatches in time order, numbered from first_idenvio: the line's fields
    (idenvio, idpesquisa, gatilho, idorigem, idservico, idpessoa, enviado_em), at (epoch
    seconds), month (São Paulo, counted from 1970-01) and line."""
    records = trigger_records(frames)
    drawn = pl.concat(
        [
            _triggered(rng, records),
            _late_orphans(rng, records),
            _orphans_without_record(rng, records, _clients(frames["pessoas"]), until_end),
        ]
    ).filter(pl.col("at") <= until_end)
    drawn = drawn.sort("at", "gatilho", "idpessoa", "idorigem", maintain_order=True)
    at = drawn["at"].to_numpy()
    service = rng.random(drawn.height) < SERVICE_SHARE
    small_service = rng.integers(1, SMALL_SERVICE_IDS + 1, drawn.height)
    frame = drawn.select(
        idenvio=pl.int_range(first_idenvio, first_idenvio + drawn.height, dtype=pl.Int64),
        idpesquisa=pl.Series(surveys.at(at), dtype=pl.Int64),
        gatilho=pl.Series(GATILHOS).gather(drawn["gatilho"]),
        idorigem=pl.col("idorigem"),
        idservico=pl.when(pl.lit(pl.Series(service))).then(
            pl.col("idservico").fill_null(pl.lit(pl.Series(small_service)))
        ),
        idpessoa=pl.col("idpessoa"),
        enviado_em=format_iso_with_offset(at, np.zeros(len(at), dtype=bool)),
        at=pl.col("at"),
        month=pl.Series(local_month(at), dtype=pl.Int64),
    )
    return frame.with_columns(line=dispatch_line())


def trigger_records(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every record that can trigger a survey: its latest version, when active and with a
    readable event. Columns gatilho (index into TRIGGERS), idorigem (the record's id), idpessoa,
    event (epoch seconds), idservico (the record's development, or null)."""
    parts = []
    for kind, trigger in enumerate(TRIGGERS):
        rows = _latest(frames[trigger.table])
        if "ativo" in rows.columns:
            rows = rows.filter(pl.col("ativo") != '"N"')
        development = (
            pl.col("idempreendimento").cast(pl.Int64, strict=False)
            if "idempreendimento" in rows.columns
            else pl.lit(None, dtype=pl.Int64)
        )
        parts.append(
            rows.select(
                gatilho=pl.lit(kind, dtype=pl.Int64),
                idorigem=pl.col(trigger.id_field).cast(pl.Int64, strict=False),
                idpessoa=pl.col(trigger.person_field).cast(pl.Int64, strict=False),
                event=_wall_clock(trigger.event_field, trigger.date_only),
                idservico=development,
            ).drop_nulls(["idorigem", "idpessoa", "event"])
        )
    records = pl.concat(parts)
    return records.with_columns(event=pl.Series(local_to_epoch(records["event"].to_numpy())))


def _triggered(rng: np.random.Generator, records: pl.DataFrame) -> pl.DataFrame:
    """Dispatches after their record's event. The later of two records of the same client and
    type within one window is always surveyed, within the earlier one's window too."""
    records = records.sort("gatilho", "idpessoa", "event", "idorigem")
    n = records.height
    kind = records["gatilho"].to_numpy()
    window = WINDOWS[kind]
    gap = (
        records.select(pl.col("event").diff().over("gatilho", "idpessoa").fill_null(-1))
        .to_series()
        .to_numpy()
    )
    shared = (gap >= 0) & (gap <= window)  # the earlier record is a candidate as well
    delay = np.minimum(rng.exponential(MEAN_DELAY, n).astype(np.int64), window)
    special = rng.random(n)
    delay = np.where(special < AT_EVENT, 0, delay)
    delay = np.where(special >= 1 - AT_WINDOW_END, window, delay)
    delay = np.where(shared, (rng.random(n) * (window - gap + 1)).astype(np.int64), delay)
    at = records["event"].to_numpy() + delay
    release = epoch_of_local(ORIGIN_RELEASE)
    origin_share = np.where(at < release, ORIGIN_SHARE_BEFORE, ORIGIN_SHARE_AFTER)
    carries_origin = (rng.random(n) < origin_share) & ~shared
    surveyed = (rng.random(n) < SURVEYED) | shared
    return records.with_columns(
        at=pl.Series(at),
        idorigem=pl.when(pl.Series(carries_origin)).then(pl.col("idorigem")),
    ).filter(pl.Series(surveyed))[_DRAWN]


def _late_orphans(rng: np.random.Generator, records: pl.DataFrame) -> pl.DataFrame:
    """Dispatches later than the window after some records (usually no candidate is left)."""
    count = _orphan_count(records.height)
    chosen = records[np.sort(rng.integers(0, max(records.height, 1), count))]
    late = rng.integers(*LATE_BY, count)
    at = chosen["event"].to_numpy() + WINDOWS[chosen["gatilho"].to_numpy()] + late
    return chosen.with_columns(
        at=pl.Series(at, dtype=pl.Int64),
        idorigem=pl.lit(None, dtype=pl.Int64),
        idservico=pl.lit(None, dtype=pl.Int64),
    )[_DRAWN]


def _orphans_without_record(
    rng: np.random.Generator, records: pl.DataFrame, clients: pl.DataFrame, until_end: int
) -> pl.DataFrame:
    """Dispatches for a client with no record of the gatilho's type, after their registration."""
    count = _orphan_count(records.height) if clients.height else 0
    chosen = clients[rng.integers(0, max(clients.height, 1), count)]
    since = chosen["since"].to_numpy()
    at = since + (rng.random(count) * (until_end - since)).astype(np.int64)
    drawn = chosen.select(
        gatilho=pl.Series(rng.integers(0, len(TRIGGERS), count), dtype=pl.Int64),
        idorigem=pl.lit(None, dtype=pl.Int64),
        idpessoa=pl.col("idpessoa"),
        idservico=pl.lit(None, dtype=pl.Int64),
        at=pl.Series(at, dtype=pl.Int64),
    )
    return drawn.join(records, on=["gatilho", "idpessoa"], how="anti", maintain_order="left")


def _orphan_count(records: int) -> int:
    return int(records * SURVEYED * ORPHANS / 2 + 0.5) if records else 0


def _clients(pessoas: pl.DataFrame) -> pl.DataFrame:
    """The block's active people (latest version) and when they were registered."""
    latest = _latest(pessoas).filter(pl.col("ativo") == '"S"')
    people = latest.select(
        idpessoa=pl.col("idpessoa").cast(pl.Int64),
        since=_wall_clock("data_cad", date_only=False),
    ).drop_nulls()
    return people.with_columns(since=pl.Series(local_to_epoch(people["since"].to_numpy())))


def _latest(rows: pl.DataFrame) -> pl.DataFrame:
    """The latest version of each row (by referencia_data), in the frame's order."""
    stamp = pl.col("referencia_data")
    return rows.filter(stamp == stamp.max().over("referencia"))


def _wall_clock(name: str, date_only: bool) -> pl.Expr:
    """A CRM date or timestamp (a JSON string literal) as São Paulo wall-clock seconds since
    1970-01-01 (00:00 for a date); null where empty or unreadable ('0000-00-00')."""
    value = pl.col(name).str.strip_chars('"')
    if date_only:
        return value.str.strptime(pl.Date, "%Y-%m-%d", strict=False).cast(pl.Int64) * DAY
    return value.str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S", strict=False).dt.epoch("s")


def dispatch_line(with_idpessoa: bool = True) -> pl.Expr:
    """The JSON line of a dispatch; every key present, null where absent."""

    def number(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.String).fill_null("null")

    pieces = [
        pl.lit('{"idenvio": '),
        number("idenvio"),
        pl.lit(', "idpesquisa": '),
        number("idpesquisa"),
        pl.lit(', "gatilho": "'),
        pl.col("gatilho"),
        pl.lit('", "idorigem": '),
        number("idorigem"),
        pl.lit(', "idservico": '),
        number("idservico"),
    ]
    if with_idpessoa:
        pieces += [pl.lit(', "idpessoa": '), number("idpessoa")]
    pieces += [pl.lit(', "enviado_em": "'), pl.col("enviado_em"), pl.lit('"}')]
    return pl.concat_str(pieces)


# --- Defects: extra lines, one per quarantine reason, and exact repeats. ---


def defect_counts(people: int, lines: int) -> dict[str, int]:
    """How many of each kind for a block: proportional, at least one, never more than lines."""
    wanted = {kind: max(1, int(people * rate + 0.5)) for kind, rate in DEFECTS_PER_PERSON.items()}
    while sum(wanted.values()) > lines and any(wanted.values()):
        for kind in reversed(DEFECT_KINDS):
            if wanted[kind] and sum(wanted.values()) > lines:
                wanted[kind] -= 1
    return wanted


def defect_lines(
    rng: np.random.Generator,
    dispatches: pl.DataFrame,
    people: int,
    last_month: int,
    survey_count: int,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Defect lines (columns month, line) copied from distinct valid dispatches of a block.

    A line that is rejected gets an idenvio of its own (offset + its source's), so that it never
    takes a valid line's key. A conflict keeps its source's month: it is appended to the same
    file after its original, so "the earliest stays" keeps the original. A duplicate goes to
    the same file or to the next month's (a late redelivery)."""
    counts = defect_counts(people, dispatches.height)
    order = rng.permutation(dispatches.height)
    sources: dict[str, pl.DataFrame] = {}
    taken = 0
    for kind in DEFECT_KINDS:
        sources[kind] = dispatches[np.sort(order[taken : taken + counts[kind]])]
        taken += counts[kind]

    fresh = pl.col("idenvio") + FRESH_IDENVIO_OFFSET
    line = pl.col("line")
    without_offset = sources["missing_offset:enviado_em"]
    later = pl.Series(rng.random(counts["duplicate"]) < 0.5)
    pieces = [
        sources["invalid_json"].with_columns(line=line.str.slice(0, line.str.len_chars() // 2)),
        sources["missing_field:idpessoa"]
        .with_columns(idenvio=fresh)
        .with_columns(line=dispatch_line(with_idpessoa=False)),
        without_offset.with_columns(
            idenvio=fresh,
            enviado_em=format_local_without_offset(without_offset["at"].to_numpy()),
        ).with_columns(line=dispatch_line()),
        sources["conflict:idenvio"]
        .with_columns(idpesquisa=pl.col("idpesquisa") % survey_count + 1)
        .with_columns(line=dispatch_line()),
        sources["duplicate"].with_columns(
            month=pl.when(later & (pl.col("month") < last_month))
            .then(pl.col("month") + 1)
            .otherwise(pl.col("month"))
        ),
    ]
    return pl.concat([piece.select("month", "line") for piece in pieces]), counts
