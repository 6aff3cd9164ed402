"""The Serasa call ledger, in the state database: every call is written down before it is sent and
its outcome after, so a billed query runs at most once (docs/serasa.md, "Ledger").

States of a call:
- pendente: planned, not sent yet (sent by the next execution);
- enviando: written just before the request goes out. A call found in this state by a later
  process was cut off mid-flight (the process died): it becomes desconhecido, never resent;
- concluida: answered (resultado ok, nao_encontrado, invalido or falha);
- desconhecido: it may have been processed and billed (a timeout after sending, a 5xx that is not
  the expired-token fault, a dead process). Resent only on a user's explicit decision
  (`alicerce serasa reenviar ID`), as a new call;
- recusada: refused before any HTTP call (not contracted, no key, daily cap, bad document,
  environment lock);
- reutilizada: a recent answer for the same document, reports and key was reused.

The document (digits) is kept only while the call may still be sent (pendente, enviando,
desconhecido awaiting a decision) and erased once the call is settled; the lake keeps its keyed
hash. The answer is kept until the lake has it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ingestion import state
from ingestion.serasa.client import Outcome

SAO_PAULO = ZoneInfo("America/Sao_Paulo")

SCHEMA = """
create table if not exists serasa_chamadas (
    id_consulta text primary key,
    id_solicitacao text not null,
    painel text not null,
    usuario text not null,
    idusuario integer,
    idpessoa integer,
    documento text,  -- digits; erased once the call is settled
    documento_hash text,
    tipo_pessoa text,
    relatorios text not null,  -- JSON list of the user's choices this call serves
    report_name text,
    optional_features text,
    chave text,
    forcar integer not null,
    solicitado_em text not null,  -- ISO 8601 UTC
    estado text not null,
    resultado text,
    http_status integer,
    latencia_ms integer,
    cobrada integer,
    renovacoes_token integer not null default 0,
    motivo text,
    consultado_em text,  -- ISO 8601 UTC, when answered
    dia_sp text,  -- the São Paulo day the call was sent (daily caps)
    id_consulta_reutilizada text,
    reenvio_de text,  -- the desconhecido call a user decided to resend
    resposta text,
    exportada integer not null default 0
);
create index if not exists serasa_chamadas_estado on serasa_chamadas (estado);
create index if not exists serasa_chamadas_reuso
    on serasa_chamadas (documento_hash, report_name, optional_features, chave, estado);
create table if not exists serasa_decisoes (
    id_consulta text not null,
    decidido_em text not null,
    decisao text not null,  -- reenviar
    por text not null
);
"""

FINAL_STATES = ("concluida", "recusada", "reutilizada")
SENT_STATES = ("enviando", "concluida", "desconhecido")  # calls that count against a daily cap


@dataclass
class Call:
    id_consulta: str
    id_solicitacao: str
    painel: str
    usuario: str
    idusuario: int | None
    idpessoa: int | None
    documento: str | None
    documento_hash: str | None
    tipo_pessoa: str | None
    relatorios: str
    report_name: str | None
    optional_features: str | None
    chave: str | None
    forcar: bool
    solicitado_em: str


@dataclass(frozen=True)
class Planned:
    call: Call
    estado: str = "pendente"  # or recusada / reutilizada, settled at once
    outcome: Outcome | None = None
    reused: str | None = None  # reutilizada: the call whose answer is reused


class Ledger:
    """One connection shared by the batch's threads; every write is its own transaction."""

    def __init__(self, db_path: Path) -> None:
        self._conn = state.connect(db_path, shared_by_threads=True)  # every use holds _lock
        self._conn.executescript(SCHEMA)
        # Commits survive a crash of this process without an fsync each (WAL); only the mark
        # written before a call is sent waits for the disk (see start).
        self._conn.execute("pragma synchronous=normal")
        self._lock = threading.Lock()

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _write(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if durable:  # fsync'd even across a power loss: a lost mark could mean a resend
                self._conn.execute("pragma synchronous=full")
            try:
                with self._conn:
                    yield self._conn
            finally:
                if durable:
                    self._conn.execute("pragma synchronous=normal")

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def known_requests(self) -> set[str]:
        return {row[0] for row in self._rows("select distinct id_solicitacao from serasa_chamadas")}

    def add(self, planned: list[Planned]) -> None:
        """Write a batch of planned calls in one transaction; refused and reused ones are settled
        at once (and keep no document)."""
        now = _now()
        rows = []
        for entry in planned:
            call, outcome = entry.call, entry.outcome
            settled = entry.estado in FINAL_STATES
            rows.append(
                (
                    call.id_consulta, call.id_solicitacao, call.painel, call.usuario,
                    call.idusuario, call.idpessoa, None if settled else call.documento,
                    call.documento_hash, call.tipo_pessoa, call.relatorios, call.report_name,
                    call.optional_features, call.chave, int(call.forcar), call.solicitado_em,
                    entry.estado, outcome.resultado if outcome else None,
                    outcome.motivo if outcome else None, entry.reused, now if settled else None,
                )
            )  # fmt: skip
        with self._write() as conn:
            conn.executemany(
                """insert into serasa_chamadas (id_consulta, id_solicitacao, painel, usuario,
                   idusuario, idpessoa, documento, documento_hash, tipo_pessoa, relatorios,
                   report_name, optional_features, chave, forcar, solicitado_em, estado,
                   resultado, motivo, id_consulta_reutilizada, consultado_em)
                   values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                rows,
            )

    def mark_interrupted(self) -> int:
        """Calls left 'enviando' by a process that died mid-call become desconhecido."""
        with self._write() as conn:
            cursor = conn.execute(
                """update serasa_chamadas set estado='desconhecido', resultado='desconhecido',
                   motivo='o processo terminou durante a chamada: pode ter sido cobrada'
                   where estado='enviando'"""
            )
            return cursor.rowcount

    def pending(self) -> list[Call]:
        rows = self._rows(
            f"select {', '.join(Call.__dataclass_fields__)} from serasa_chamadas "
            "where estado='pendente' order by solicitado_em, id_consulta"
        )
        return [Call(*row[:13], bool(row[13]), row[14]) for row in rows]

    def start(self, id_consulta: str, limit: int | None) -> str:
        """Mark a pending call as being sent: 'enviando'. Past its key's daily cap (São Paulo
        day) it is refused instead: 'limite'. A call no longer pending is left alone: 'ocupada'.
        The check and the mark are one transaction, on disk before the call goes out."""
        today = datetime.now(SAO_PAULO).date().isoformat()
        with self._write(durable=True) as conn:
            (chave,) = conn.execute(
                "select chave from serasa_chamadas where id_consulta=?", (id_consulta,)
            ).fetchone()
            if limit is not None:
                (used,) = conn.execute(
                    f"""select count(*) from serasa_chamadas where chave=? and dia_sp=?
                        and estado in {SENT_STATES}""",
                    (chave, today),
                ).fetchone()
                if used >= limit:
                    conn.execute(
                        """update serasa_chamadas set estado='recusada', resultado='recusado',
                           motivo=?, documento=null, consultado_em=?
                           where id_consulta=? and estado='pendente'""",
                        (
                            f"limite diário da chave '{chave}' atingido ({limit} consultas)",
                            _now(),
                            id_consulta,
                        ),
                    )
                    return "limite"
            taken = conn.execute(
                """update serasa_chamadas set estado='enviando', dia_sp=?
                   where id_consulta=? and estado='pendente'""",
                (today, id_consulta),
            ).rowcount
        return "enviando" if taken else "ocupada"

    def release(self, id_consulta: str) -> None:
        """A call that could not be made (nothing was processed) goes back to pending."""
        with self._write() as conn:
            conn.execute(
                """update serasa_chamadas set estado='pendente', dia_sp=null
                   where id_consulta=? and estado='enviando'""",
                (id_consulta,),
            )

    def refuse(self, id_consulta: str, motivo: str) -> None:
        """A pending call the configuration no longer allows: settled without a call."""
        with self._write() as conn:
            conn.execute(
                """update serasa_chamadas set estado='recusada', resultado='recusado', motivo=?,
                   documento=null, consultado_em=? where id_consulta=? and estado='pendente'""",
                (motivo, _now(), id_consulta),
            )

    def finish(self, id_consulta: str, outcome: Outcome) -> None:
        estado = "desconhecido" if outcome.resultado == "desconhecido" else "concluida"
        with self._write() as conn:
            conn.execute(
                """update serasa_chamadas set estado=?, resultado=?, http_status=?, latencia_ms=?,
                   cobrada=?, renovacoes_token=?, motivo=?, resposta=?, consultado_em=?,
                   documento=case when ?='desconhecido' then documento end
                   where id_consulta=?""",
                (
                    estado,
                    outcome.resultado,
                    outcome.http_status,
                    outcome.latencia_ms,
                    None if outcome.cobrada is None else int(outcome.cobrada),
                    outcome.renovacoes_token,
                    outcome.motivo,
                    outcome.resposta,
                    _now(),
                    estado,
                    id_consulta,
                ),
            )

    def settle_reused(self, id_consulta: str, reused: str) -> None:
        """A pending call answered by another call's recent answer: settled without a call."""
        with self._write() as conn:
            conn.execute(
                """update serasa_chamadas set estado='reutilizada', resultado='reutilizado',
                   id_consulta_reutilizada=?, documento=null, consultado_em=?
                   where id_consulta=? and estado='pendente'""",
                (reused, _now(), id_consulta),
            )

    def reusable(self, call: Call, window_days: int) -> str | None:
        """The latest answered call for the same document, reports and key within the window."""
        if window_days <= 0:
            return None
        since = (datetime.now(UTC) - timedelta(days=window_days)).isoformat()
        rows = self._rows(
            """select id_consulta from serasa_chamadas
               where documento_hash=? and report_name=? and optional_features=? and chave=?
               and estado='concluida' and resultado='ok' and consultado_em >= ?
               order by consultado_em desc limit 1""",
            (call.documento_hash, call.report_name, call.optional_features, call.chave, since),
        )
        return rows[0][0] if rows else None

    def resend(self, id_consulta: str, por: str) -> str:
        """A user's decision: resend a desconhecido call, as a new call (the old one stays
        desconhecido, so its possible charge is still visible). Returns the new call's id."""
        with self._write() as conn:
            row = conn.execute(
                "select estado, documento from serasa_chamadas where id_consulta=?",
                (id_consulta,),
            ).fetchone()
            if row is None:
                raise LookupError(f"consulta {id_consulta} não existe no livro de consultas")
            if row[0] != "desconhecido":
                raise ValueError(
                    f"a consulta {id_consulta} está '{row[0]}': só uma consulta em estado "
                    "desconhecido pode ser reenviada"
                )
            (resent,) = conn.execute(
                "select count(*) from serasa_chamadas where reenvio_de=?", (id_consulta,)
            ).fetchone()
            if resent:
                raise ValueError(f"a consulta {id_consulta} já foi reenviada")
            new_id = f"{id_consulta}-r"
            conn.execute(
                f"""insert into serasa_chamadas (id_consulta, id_solicitacao, painel, usuario,
                    idusuario, idpessoa, documento, documento_hash, tipo_pessoa, relatorios,
                    report_name, optional_features, chave, forcar, solicitado_em, estado,
                    reenvio_de)
                    select ?, {", ".join(list(Call.__dataclass_fields__)[1:])}, 'pendente', ?
                    from serasa_chamadas where id_consulta=?""",
                (new_id, id_consulta, id_consulta),
            )
            conn.execute(
                "update serasa_chamadas set documento=null where id_consulta=?", (id_consulta,)
            )
            conn.execute(
                "insert into serasa_decisoes values (?,?,?,?)",
                (id_consulta, _now(), "reenviar", por),
            )
        return new_id

    def unexported(self) -> list[dict]:
        """Settled calls (and desconhecido ones) not yet written to the lake."""
        return self._dicts(
            """select * from serasa_chamadas where exportada=0
               and estado in ('concluida','recusada','reutilizada','desconhecido')
               order by id_consulta"""
        )

    def calls(self) -> list[dict]:
        return self._dicts("select * from serasa_chamadas order by id_consulta")

    def _dicts(self, sql: str) -> list[dict]:
        with self._lock:
            cursor = self._conn.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def mark_exported(self, ids: list[str]) -> None:
        """The lake has them now: the answers (personal data) leave the ledger."""
        with self._write() as conn:
            conn.executemany(
                "update serasa_chamadas set exportada=1, resposta=null where id_consulta=?",
                [(i,) for i in ids],
            )

    def unknown_calls(self) -> list[tuple]:
        return self._rows(
            """select id_consulta, painel, usuario, chave, report_name, http_status, motivo,
               consultado_em from serasa_chamadas c where estado='desconhecido'
               and not exists (select 1 from serasa_chamadas r where r.reenvio_de=c.id_consulta)
               order by consultado_em"""
        )


def unknown_calls(db_path: Path) -> list[tuple]:
    with closing(Ledger(db_path)) as ledger:
        return ledger.unknown_calls()


def _now() -> str:
    return datetime.now(UTC).isoformat()
