{#- One row per Serasa call: the latest load of each id_consulta (a call exported again, or
    written twice after a crash, appears more than once in the lake; its content is the same).
    A call without idpessoa (a legacy answer, a request by document) takes the CRM person with
    its document's keyed hash (the lowest idpessoa if the CRM has the CPF twice). -#}
with

consultas as (
    select * from {{ ref('stg_serasa__consultas') }}
),

pessoas_por_documento as (
    select cpf_hash, min(idpessoa) as idpessoa
    from {{ ref('int_crm__pessoas_atual') }}
    where cpf_hash is not null
    group by cpf_hash
),

ordered as (
    select
        *,
        row_number() over (
            partition by id_consulta
            order by data_carga desc, consultado_em desc nulls last, solicitado_em desc nulls last
        ) as carga_desc
    from consultas
)

select
    id_consulta,
    id_solicitacao,
    formato,
    painel,
    usuario,
    idusuario,
    chave,
    coalesce(ordered.idpessoa, pessoas_por_documento.idpessoa) as idpessoa,
    documento_hash,
    tipo_pessoa,
    relatorios,
    relatorios_texto,
    report_name,
    optional_features,
    resultado,
    http_status,
    latencia_ms,
    cobrada,
    renovacoes_token,
    motivo,
    solicitado_em,
    consultado_em,
    id_consulta_reutilizada,
    resposta,
    documento_normalizado,
    documento_invalido,
    data_carga
from ordered
left join pessoas_por_documento on pessoas_por_documento.cpf_hash = ordered.documento_hash
where carga_desc = 1
