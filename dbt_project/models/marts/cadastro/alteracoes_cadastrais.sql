with

alteracoes as (
    select * from {{ ref('int_cadastro__alteracoes_normalizadas') }}
),

pessoas as (
    select * from {{ ref('int_crm__pessoas_atual') }}
),

mudancas as (
    select * from alteracoes where houve_mudanca
),

relatorio as (
    select
        mudancas.event_id as id_evento,
        mudancas.idpessoa,
        pessoas.nome,
        pessoas.documento,
        mudancas.campo,
        mudancas.valor_anterior,
        mudancas.valor_novo as valor_atual,
        mudancas.alterado_em,
        cast({{ alicerce.utc_to_sao_paulo('mudancas.alterado_em') }} as date) as data_local,
        'portal' as origem
    from mudancas
    left join pessoas on mudancas.idpessoa = pessoas.idpessoa
)

-- Stored by date: a period filter then reads only the matching part of the published copy.
select * from relatorio
order by data_local, alterado_em
