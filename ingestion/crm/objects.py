"""The CRM objects Alicerce pulls: where each lives in the API and what staging reads from it.

Every object is pulled the same way (CVDW envelope, pagination, `a_partir_data_referencia`) and
kept the same way: one raw table per object, every field as text except the object's id, rows
keyed as versions by (referencia, referencia_data). `columns` are the fields staging reads: they
exist in the lake even before the first row arrives. Any other field the API sends is kept too.
Field names and format traps: ../shared/reference/cvcrm.md section 1; docs/sources.md ("CRM").
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class CrmObject:
    path: str  # under the API's base URL (https://{tenant}.cvcrm.com.br/api/v1/)
    table: str  # raw table name: data/lake/raw/crm/<table>
    id_field: str  # the object's own id: required, an integer (or a string of digits)
    columns: tuple[str, ...]
    cpf_field: str | None = None  # a CPF whose keyed hash ingestion adds as `cpf_hash`
    assumed: bool = False  # schema not public: defined by us (docs/sources.md)

    @property
    def source_table(self) -> str:
        return f"crm/{self.table}"


def _cvdw(path: str, id_field: str, columns: str, cpf_field: str | None = None) -> CrmObject:
    return CrmObject(
        path=f"cvdw/{path}",
        table=path.replace("/", "_"),
        id_field=id_field,
        columns=tuple(columns.split()),
        cpf_field=cpf_field,
    )


OBJECTS: tuple[CrmObject, ...] = (
    _cvdw(
        "pessoas",
        "idpessoa",
        """referencia referencia_data ativo idpessoa data_cad ativo_login situacao documento_tipo
        documento nome rg renda_familiar cep logradouro endereco numero complemento bairro cidade
        estado marketing_pos_venda sexo data_nasc classificacao politicamente_exposta ppe_cargo
        ppe_exercicio relacionamento_ppe relacionamento_ppe_nome relacionamento_ppe_parentesco
        relacionamento_ppe_cargo relacionamento_ppe_exercicio relacionamento_ppe_cpf""",
        cpf_field="documento",
    ),
    # One row per contact; `referencia` is "<idpessoa>_<contact number>" (the composite form).
    _cvdw(
        "pessoas/contatos",
        "idpessoa",
        "referencia referencia_data ativo idpessoa email telefone celular",
    ),
    _cvdw(
        "reservas",
        "idreserva",
        """referencia referencia_data ativo idreserva data_cad data_venda data_contrato situacao
        idsituacao situacao_comercial aprovada venda cessao idempreendimento empreendimento etapa
        bloco unidade idunidade idcliente documento_cliente cliente idcorretor corretor
        idimobiliaria imobiliaria valor_contrato idlead idprecadastro idtabela nometabela
        data_entrega_chaves_contrato_cliente data_cancelamento""",
        cpf_field="documento_cliente",
    ),
    _cvdw(
        "reservas/condicoes",
        "idreservascondicoes",
        """referencia referencia_data ativo idreservascondicoes idreserva serie parcela_quantidade
        valor vencimento indexador portador""",
    ),
    _cvdw(
        "reservas/associados",
        "idassociado",
        """referencia referencia_data ativo idassociado idreserva idpessoa nome documento
        tipo_associacao renda_familiar""",
        cpf_field="documento",
    ),
    _cvdw(
        "vendas",
        "idreserva",
        """referencia referencia_data ativo idreserva data_reserva data_venda aprovada
        valor_contrato idcliente idpessoa_cv documento_cliente cliente idempreendimento idunidade
        idtabela""",
        cpf_field="documento_cliente",
    ),
    _cvdw(
        "distratos",
        "idreserva",
        """referencia referencia_data ativo idreserva aprovada data_cad situacao_data
        situacao_atual idsituacao idcliente documento cliente motivo_distrato valor_contrato""",
        cpf_field="documento",
    ),
    _cvdw(
        "precadastros",
        "idprecadastro",
        """referencia referencia_data ativo idprecadastro data_cad idsituacao situacao
        idempreendimento idunidade idcorretor idimobiliaria idpessoa pessoa idlead
        renda_cliente_principal valor_avaliacao valor_aprovado valor_total
        data_ultima_alteracao_situacao""",
    ),
    _cvdw(
        "atendimentos",
        "idatendimento",
        """referencia referencia_data ativo idatendimento protocolo idprotocolo data_cad
        data_situacao situacao idcliente documento_cliente nome_cliente idcorretor idimobiliaria
        idempreendimento idunidade idatendimento_vinculados assunto canal tipo avaliacao""",
        cpf_field="documento_cliente",
    ),
    _cvdw(
        "assistencias",
        "idassistencia",
        """referencia referencia_data ativo idassistencia data_cad idcliente documento_cliente
        cliente idempreendimento idunidade idsituacao situacao data_prevista_termino
        data_conclusao idatendimento custo_previsto""",
        cpf_field="documento_cliente",
    ),
    _cvdw(
        "repasses",
        "idrepasse",
        """referencia referencia_data ativo idrepasse data_cadastro idsituacao situacao idreserva
        idempreendimento idunidade idcliente documento_cliente cliente parcela valor_previsto
        valor_financiado saldo_devedor banco data_registro data_venda""",
        cpf_field="documento_cliente",
    ),
    # `referencia` is an integer and `idunidade` a string here; dates are dd/mm/yyyy.
    _cvdw(
        "unidades",
        "idunidade",
        """referencia referencia_data ativo idunidade idempreendimento nome_empreendimento idetapa
        etapa idbloco bloco nome andar tipologia area_privativa valor data_entrega
        data_entrega_chaves data_bloqueio situacao_mapa_disponibilidade""",
    ),
    _cvdw(
        "corretores",
        "idcorretor",
        """referencia referencia_data ativo idcorretor idimobiliaria documento nome apelido creci
        categoria email""",
        cpf_field="documento",
    ),
    _cvdw(
        "imobiliarias",
        "idimobiliaria",
        "referencia referencia_data ativo idimobiliaria nome razao_social cnpj creci sigla",
    ),
    _cvdw(
        "pesquisas",
        "idpesquisa",
        """referencia referencia_data ativo idpesquisa pesquisa tipo_pesquisa situacao dataInicio
        dataFim data_referencia ids_perguntas""",
    ),
    # The operational cessão endpoint: its schema is not public, so ours is assumed (same envelope
    # and version fields as CVDW). docs/sources.md says so.
    CrmObject(
        path="comercial/reservas/cessao",
        table="cessoes",
        id_field="idcessao",
        columns=(
            "referencia",
            "referencia_data",
            "ativo",
            "idcessao",
            "idreserva",
            "idcedente",
            "idcessionario",
            "data_cessao",
            "situacao",
        ),  # fmt: skip
        assumed=True,
    ),
)

BY_TABLE = {obj.table: obj for obj in OBJECTS}


def by_table(table: str) -> CrmObject:
    try:
        return BY_TABLE[table]
    except KeyError:
        known = ", ".join(BY_TABLE)
        raise ValueError(f"unknown CRM object {table!r}; known: {known}") from None


# Columns ingestion adds to every row.
LINEAGE_COLUMNS = ("content_hash", "source_file")


def raw_schema(obj: CrmObject) -> pa.Schema:
    """The raw table's columns that always exist: the declared fields as text (the id as BIGINT),
    the CPF keyed hash where the object has a CPF, and lineage."""
    text = [name for name in obj.columns if name != obj.id_field]
    if obj.cpf_field:
        text.append("cpf_hash")
    return pa.schema(
        [(name, pa.string()) for name in (*text, *LINEAGE_COLUMNS)]
        + [(obj.id_field, pa.int64()), ("line_no", pa.int64()), ("ingested_at", pa.timestamp("us"))]
    )
