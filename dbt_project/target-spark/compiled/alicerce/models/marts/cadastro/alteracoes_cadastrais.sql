with

alteracoes as (
    select * from intermediate.int_cadastro__alteracoes_normalizadas
),

pessoas as (
    select * from intermediate.int_crm__pessoas_atual
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
        cast(from_utc_timestamp(mudancas.alterado_em, 'America/Sao_Paulo') as date) as data_local,
        'portal' as origem
    from mudancas
    left join pessoas on mudancas.idpessoa = pessoas.idpessoa
)

select * from relatorio