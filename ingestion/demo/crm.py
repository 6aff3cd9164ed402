"""CRM `pessoas` rows and CVDW pages, following docs/sources.md ("CRM people").

Rows hold the people's final state: for the fields the portal edits, exactly what the portal sent
last (the CRM stores it as received), so the warehouse sees the same values from both sources.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.demo import registration as fields
from ingestion.demo.catalog import POOLS
from ingestion.demo.clock import format_crm_local
from ingestion.demo.cpf import format_cpf
from ingestion.demo.people import MARKETING, PEP, SITUACOES, Population

ROWS_PER_PAGE = 500  # the CVDW maximum of registros_por_pagina


def pessoas_rows(population: Population, pessoas_changed_at: np.ndarray) -> pl.Series:
    """One JSON object per person, every value as text except idpessoa, in CVDW field order."""
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
            "referencia_data": format_crm_local(pessoas_changed_at),
            "ativo": pl.repeat("S", n, eager=True),
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
    )
    members = []
    for name in values.columns:
        if name == "referencia":
            continue
        member = pl.lit(f', "{name}": "') + pl.col(name) + pl.lit('"')
        if name == "marketing_pos_venda":  # absent from some rows: consent never asked
            member = pl.when(pl.col(name).is_not_null()).then(member)
        members.append(member)
        if name == "ativo":  # idpessoa is the one integer, right after the envelope fields
            members.append(pl.lit(', "idpessoa": ') + pl.col("referencia"))
    row = pl.concat_str(
        [pl.lit('{"referencia": "') + pl.col("referencia") + pl.lit('"'), *members, pl.lit("}")],
        ignore_nulls=True,
    )
    return values.select(row.alias("row")).to_series()


def page_text(page: int, rows: list[str] | pl.Series, total_rows: int) -> str:
    """A CVDW page envelope around already-serialised rows (one row per line, for reading)."""
    total_pages = max(1, -(-total_rows // ROWS_PER_PAGE))
    body = ",\n".join(rows)
    return (
        f'{{"pagina": {page}, "registros": {len(rows)}, "total_de_registros": {total_rows}, '
        f'"total_de_paginas": {total_pages}, "dados": [\n{body}\n]}}\n'
    )
