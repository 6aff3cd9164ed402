"""Texts of the CRM objects beyond people: developments, brokerages, situations, survey titles.

Like catalog.py, no text here may hold a quote, a backslash or a control character (every written
line is parsed by the tests).
"""

from __future__ import annotations

import polars as pl

DEVELOPMENT_PREFIXES = ["Residencial", "Edifício", "Condomínio", "Parque"]
DEVELOPMENT_NAMES = [
    "Jardim das Acácias", "Mar Azul", "Vila Verde", "Bela Vista", "Solar do Capibaribe",
    "Recanto das Palmeiras", "Alto da Boa Vista", "Praça das Águas", "Varandas do Rio",
    "Horizonte", "Porto Belo", "Villa Lobos", "Brisa do Mar", "Jardins de Olinda", "Ponta Verde",
    "Reserva Imperial", "Mirante do Parque", "Terraço Boa Viagem", "Quinta das Flores", "Aurora",
]  # fmt: skip
REALTY_WORDS = [
    "Atlântico", "Capibaribe", "Horizonte", "Nordeste", "Prime", "Urbana", "Lar Feliz",
    "Casa Nova", "Porto Seguro", "Bem Morar", "Aliança", "Vitória", "Mais Lar", "Ponto Certo",
    "Morada", "Chave de Ouro", "Viver Bem", "Solar", "Oceano", "Conquista",
]  # fmt: skip
REALTY_FORMS = ["{} Imóveis", "Imobiliária {}", "{} Consultoria Imobiliária", "{} Corretores"]

TIPOLOGIAS = ["3 quartos", "2 quartos", "2 quartos", "3 quartos"]  # by position on the floor
UNITS_MAP = ["1 - Disponível", "2 - Reservada", "3 - Vendida", "4 - Bloqueada"]
BROKER_CATEGORIES = ["Ouro", "Prata", "Bronze", ""]
BROKER_LEVELS = ["Corretor Externo", "Corretor Interno"]

# Reservation situations: idsituacao = position + 1.
RESERVA_SITUACOES = ["Em análise", "Aprovada", "Vendida", "Cancelada", "Distratada"]
RESERVA_COMERCIAL = ["Reserva", "Reserva", "Venda", "Cancelada", "Distrato"]
CANCEL_REASONS = ["Desistência do cliente", "Crédito reprovado", "Falta de documentação"]
DISTRATO_REASONS = ["Desistência", "Inadimplência", "Perda de renda", "Financiamento reprovado"]
DISTRATO_SITUACOES = ["Em análise", "Distrato concluído"]
PRECADASTRO_SITUACOES = ["Em análise", "Aprovado", "Reprovado", "Cancelado"]
REPASSE_SITUACOES = [
    "Em análise", "Aprovado pelo banco", "Assinatura do contrato", "Cartório", "Registrado",
    "Concluído",
]  # fmt: skip
BANKS = ["Caixa Econômica Federal", "Banco do Brasil", "Itaú Unibanco", "Bradesco", "Santander"]
CESSAO_SITUACOES = ["Concluída", "Em andamento", "Cancelada"]
ASSOCIATION_TYPES = ["Cônjuge", "Composição de renda", "Sócio", "Fiador"]

ATENDIMENTO_ASSUNTOS = [
    "Segunda via de boleto", "Andamento da obra", "Documentação", "Financiamento",
    "Alteração cadastral", "Reclamação", "Distrato",
]  # fmt: skip
TECHNICAL_ASSISTANCE = "Assistência técnica"
ATENDIMENTO_SITUACOES = ["Aberto", "Em andamento", "Finalizado", "Cancelado"]
CHANNELS = ["Portal", "Telefone", "E-mail", "WhatsApp", "Presencial"]
ATENDIMENTO_TIPOS = ["Aberto pelo cliente", "Aberto pelo gestor"]
ASSISTENCIA_SITUACOES = ["Aberta", "Em execução", "Concluída", "Cancelada"]

SURVEYS = [
    ("Pesquisa de satisfação - Compra", "Satisfação"),
    ("Pesquisa de satisfação - Entrega de chaves", "Satisfação"),
    ("NPS Pós-venda", "NPS"),
    ("Avaliação do atendimento", "Satisfação"),
    ("Pesquisa de assistência técnica", "Pós-obra"),
    ("NPS Portal do Cliente", "NPS"),
]
SURVEY_SITUACOES = ["Enviada", "Encerrada", "Rascunho"]

PPE_CARGOS = ["Vereador", "Prefeito", "Secretário Municipal", "Deputado Estadual", "Juiz"]
PPE_PARENTESCOS = ["Cônjuge", "Pai", "Mãe", "Filho(a)", "Irmão(ã)"]
CLASSIFICACOES = ["", "", "", "Investidor", "Primeira moradia", "Alto padrão"]


def roman(number: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"),
                (1, "I")]  # fmt: skip
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text, number = text + numeral, number - value
    return text


def unique_names(bases: list[str], count: int) -> pl.Series:
    """`count` distinct names: the bases in turn, then again with II, III, ..."""
    names = [
        bases[i % len(bases)] + ("" if i < len(bases) else f" {roman(i // len(bases) + 1)}")
        for i in range(count)
    ]
    return pl.Series(names, dtype=pl.String)


def development_names(count: int) -> pl.Series:
    bases = [f"{prefix} {name}" for name in DEVELOPMENT_NAMES for prefix in DEVELOPMENT_PREFIXES]
    return unique_names(bases, count)


def realty_names(count: int) -> pl.Series:
    bases = [form.format(word) for form in REALTY_FORMS for word in REALTY_WORDS]
    return unique_names(bases, count)


def texts(values: list[str]) -> pl.Series:
    return pl.Series(values, dtype=pl.String)
