"""Who may see what (DESIGN.md "Who may see what"): pages per role, and personal data per role.

Only declarations live here; `dashboards/data_access.py` applies them to every query, so no page
can forget them. docs/access.md shows the same tables for people.
"""

from __future__ import annotations

from enum import StrEnum

from dashboards.usuarios import Papel, Usuario


class Pagina(StrEnum):
    """Every page, by its URL path."""

    ALTERACOES_CADASTRAIS = "alteracoes-cadastrais"
    QUALIDADE_DOS_DADOS = "qualidade-dos-dados"
    AUDITORIA = "auditoria"
    REENGAJAMENTO = "reengajamento"
    PESQUISAS = "pesquisas"
    REGISTRO = "registro"
    ALCADAS = "alcadas"
    SERASA = "serasa"


class Dado(StrEnum):
    """Kinds of personal data a page can show, masked unless the role may see them."""

    DOCUMENTO = "documento"  # CPF, RG
    RENDA = "renda"
    CONTATO = "contato"  # celular, e-mail
    ENDERECO = "endereco"  # endereço, CEP


TODOS_OS_DADOS = frozenset(Dado)

PAGINAS: dict[Papel, frozenset[Pagina]] = {
    Papel.GESTOR: frozenset(Pagina),
    Papel.COMPLIANCE: frozenset({Pagina.ALTERACOES_CADASTRAIS}),
    Papel.ANALISTA: frozenset(
        {Pagina.ALTERACOES_CADASTRAIS, Pagina.QUALIDADE_DOS_DADOS, Pagina.REENGAJAMENTO}
    ),
    # Brokers and brokerages see the survey dispatches and CRM records of their own clients only
    # (row scope), and the alçadas of their own reservations (the reservation's idcorretor /
    # idimobiliaria); the analista's and compliance's pages are listed in DESIGN.md, and neither
    # survey protocols nor alçadas are among them.
    # Serasa: the calls made in their own panel (a brokerage's also those of its brokers'
    # panels) and the credit summaries of their clients; not the analista's nor compliance's.
    Papel.IMOBILIARIA: frozenset(
        {
            Pagina.ALTERACOES_CADASTRAIS,
            Pagina.PESQUISAS,
            Pagina.REGISTRO,
            Pagina.ALCADAS,
            Pagina.SERASA,
        }
    ),
    Papel.CORRETOR: frozenset(
        {
            Pagina.ALTERACOES_CADASTRAIS,
            Pagina.PESQUISAS,
            Pagina.REGISTRO,
            Pagina.ALCADAS,
            Pagina.SERASA,
        }
    ),
}

# Shown as they are, with no reveal needed.
EM_CLARO: dict[Papel, frozenset[Dado]] = {
    Papel.GESTOR: frozenset({Dado.RENDA, Dado.CONTATO, Dado.ENDERECO}),
    Papel.COMPLIANCE: frozenset(),
    Papel.ANALISTA: frozenset(),
    Papel.IMOBILIARIA: frozenset(),
    Papel.CORRETOR: frozenset(),
}

# Masked until the user reveals them, which the audit records. The rest stays masked.
REVELAVEIS: dict[Papel, frozenset[Dado]] = {
    Papel.GESTOR: frozenset({Dado.DOCUMENTO}),
    Papel.COMPLIANCE: TODOS_OS_DADOS,
    Papel.ANALISTA: frozenset({Dado.CONTATO, Dado.ENDERECO}),
    Papel.IMOBILIARIA: TODOS_OS_DADOS,  # of its brokers' clients only (row scope)
    Papel.CORRETOR: TODOS_OS_DADOS,  # of their own clients only (row scope)
}

# Quarantined records are shown as received (they may hold personal data that failed
# validation, so they cannot be masked field by field): only these roles read them.
LEEM_CONTEUDO_DA_QUARENTENA: frozenset[Papel] = frozenset({Papel.GESTOR})

# The registration fields of the change report, by kind. Only the fields of SEM_MASCARA are shown
# as they are; any other field, a new one included, counts as a document, the strictest kind.
SEM_MASCARA: frozenset[str] = frozenset({"nome"})
DADO_DO_CAMPO: dict[str, Dado] = {
    "rg": Dado.DOCUMENTO,
    "renda_familiar": Dado.RENDA,
    "celular": Dado.CONTATO,
    "email": Dado.CONTATO,
    "cep": Dado.ENDERECO,
    "endereco": Dado.ENDERECO,
}


def dado_do_campo(campo: str) -> Dado | None:
    """The kind of personal data a registration field holds; None for the fields never masked."""
    if campo in SEM_MASCARA:
        return None
    return DADO_DO_CAMPO.get(campo, Dado.DOCUMENTO)


def pode_abrir(usuario: Usuario, pagina: Pagina) -> bool:
    return pagina in PAGINAS.get(usuario.papel, frozenset())


def visiveis(usuario: Usuario, revelar: bool) -> frozenset[Dado]:
    """The kinds of personal data the user sees unmasked, with or without a reveal."""
    claros = EM_CLARO.get(usuario.papel, frozenset())
    if revelar:
        return claros | REVELAVEIS.get(usuario.papel, frozenset())
    return claros


def pode_revelar(usuario: Usuario) -> bool:
    return bool(REVELAVEIS.get(usuario.papel))
