"""CRM `pessoas` rows, following docs/sources.md ("CRM people").

Rows hold the people's final state: for the fields the portal edits, exactly what the portal sent
last (the CRM stores it as received), or what a panel edit left after it (then the earlier version
is written too, see panel.py), so the warehouse sees the same values from both sources. Every value
is text except idpessoa, in CVDW field order.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo import registration as fields
from ingestion.demo.catalog import POOLS
from ingestion.demo.clock import format_crm_local
from ingestion.demo.cpf import format_cpf
from ingestion.demo.cvdw_rows import integer, json_lines, optional_text, text
from ingestion.demo.panel import PanelEdits
from ingestion.demo.people import MARKETING, PEP, SITUACOES, Population
from ingestion.demo.profile import Profile, profile_columns

PROFILE_TEXT = ("sexo", "data_nasc")  # right after nome
PEP_TEXT = (
    "ppe_cargo", "ppe_exercicio", "relacionamento_ppe", "relacionamento_ppe_nome",
    "relacionamento_ppe_parentesco", "relacionamento_ppe_cargo", "relacionamento_ppe_exercicio",
    "relacionamento_ppe_cpf",
)  # fmt: skip


def pessoas_frame(
    population: Population, profile: Profile, changed_at: np.ndarray, active: np.ndarray
) -> pl.DataFrame:
    """One row per person (JSON literals, see cvdw_rows)."""
    reg = population.registration
    everyone = np.arange(len(population))
    address = fields.address_parts(reg, everyone)
    legacy = reg.legacy_street >= 0
    logradouro_empty = legacy & ~reg.address_from_portal
    n = len(population)
    nothing = pl.repeat("", n, eager=True)
    values = pl.DataFrame(
        {
            "referencia": pl.Series(population.idpessoa).cast(pl.String),
            "referencia_data": format_crm_local(changed_at),
            "ativo": np.where(active, "S", "N"),
            "idpessoa": population.idpessoa,
            "data_cad": format_crm_local(population.registered_at),
            "ativo_login": pl.Series(np.where(population.portal_access, "S", "N")),
            "situacao": pl.Series(list(SITUACOES)).gather(population.situacao),
            "documento_tipo": pl.repeat("CPF", n, eager=True),
            "documento": format_cpf(population.cpf),
            "nome": fields.name_text(reg, everyone),
            "rg": fields.rg_text(reg, everyone).fill_null(""),
            "renda_familiar": fields.income_crm(reg, everyone),
            "marketing_pos_venda": pl.Series(list(MARKETING), dtype=pl.String).gather(
                population.marketing
            ),
            "cep": fields.cep_text(reg, everyone),
            # An old registration keeps the street in `endereco` with `logradouro` empty, until
            # the portal writes the address parts (the old `endereco` text then stays behind).
            "logradouro": address["logradouro"].zip_with(pl.Series(~logradouro_empty), nothing),
            "endereco": POOLS.streets.gather(np.clip(reg.legacy_street, 0, None)).zip_with(
                pl.Series(legacy), nothing
            ),
            "numero": address["numero"],
            "complemento": address["complemento"].fill_null(""),
            "bairro": address["bairro"],
            "cidade": address["cidade"],
            "estado": address["uf"],
            "politicamente_exposta": pl.Series(list(PEP)).gather(population.pep),
        }
    ).hstack(profile_columns(population, profile))
    return values.select(
        text("referencia"),
        text("referencia_data"),
        text("ativo"),
        integer("idpessoa"),
        *(text(name) for name in ("data_cad", "ativo_login", "situacao", "documento_tipo")),
        *(text(name) for name in ("documento", "nome", *PROFILE_TEXT, "renda_familiar")),
        # absent from some rows: consent never asked
        optional_text("marketing_pos_venda", pl.col("marketing_pos_venda").is_not_null()),
        text("rg"),
        text("classificacao"),
        *(text(name) for name in ("cep", "logradouro", "endereco", "bairro", "numero")),
        *(text(name) for name in ("complemento", "estado", "cidade", "politicamente_exposta")),
        *(text(name) for name in PEP_TEXT),
    )


def pessoas_rows(
    population: Population, pessoas_changed_at: np.ndarray, profile: Profile
) -> pl.Series:
    """One JSON object per person: the final state, every person active."""
    active = np.ones(len(population), dtype=bool)
    return json_lines(pessoas_frame(population, profile, pessoas_changed_at, active))


def pessoas_versions(
    population: Population, profile: Profile, edits: PanelEdits, removed: np.ndarray
) -> pl.DataFrame:
    """Every person's final row and, for a panel edit of a `pessoas` field, the earlier version
    (old value, dated by the last portal change) just before it."""
    final = pessoas_frame(population, profile, edits.pessoas_changed_at, ~removed)
    edited = edits.people[edits.in_pessoas]
    before = edits.before.take(np.flatnonzero(edits.in_pessoas))
    earlier = pessoas_frame(
        population.take(edited, registration=before),
        profile.take(edited),
        edits.earlier_at[edits.in_pessoas],
        ~removed[edited],
    )
    frame = pl.concat(
        [
            earlier.with_columns(_person=edited, _version=0),
            final.with_columns(_person=np.arange(len(population)), _version=1),
        ]
    )
    return frame.sort("_person", "_version").drop("_person", "_version")
