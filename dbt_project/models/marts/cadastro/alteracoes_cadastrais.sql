{#- The registration-change report: the portal's real changes (origem 'portal') and the changes
    seen between consecutive CRM loads that no portal change explains (origem 'painel'). -#}
with

alteracoes_portal as (
    select * from {{ ref('int_cadastro__alteracoes_normalizadas') }}
),

alteracoes_painel as (
    select * from {{ ref('int_cadastro__alteracoes_painel') }}
),

pessoas as (
    select * from {{ ref('int_crm__pessoas_atual') }}
),

mudancas as (
    select
        event_id as id_evento,
        idpessoa,
        campo,
        valor_anterior,
        valor_novo,
        alterado_em,
        'portal' as origem,
        false as data_detectada
    from alteracoes_portal
    where houve_mudanca

    union all

    select
        id_evento,
        idpessoa,
        campo,
        valor_anterior,
        valor_novo,
        alterado_em,
        'painel' as origem,
        data_detectada
    from alteracoes_painel
),

relatorio as (
    select
        mudancas.id_evento,
        mudancas.idpessoa,
        pessoas.nome,
        pessoas.documento,
        mudancas.campo,
        mudancas.valor_anterior,
        mudancas.valor_novo as valor_atual,
        mudancas.alterado_em,
        cast({{ alicerce.utc_to_sao_paulo('mudancas.alterado_em') }} as date) as data_local,
        mudancas.origem,
        mudancas.data_detectada
    from mudancas
    left join pessoas on mudancas.idpessoa = pessoas.idpessoa
)

-- Stored by date: a period filter then reads only the matching part of the published copy.
select * from relatorio
order by data_local, alterado_em
