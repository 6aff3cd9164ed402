{#- Everything ingestion rejected, from every source, for the "Qualidade dos dados" page. -#}
with

portal_eventos as (
    select * from {{ ref('stg_quarentena__portal_eventos') }}
),

pesquisas_envios as (
    select * from {{ ref('stg_quarentena__pesquisas_envios') }}
),

serasa_solicitacoes as (
    select * from {{ ref('stg_quarentena__serasa_solicitacoes') }}
),

serasa_consultas as (
    select * from {{ ref('stg_quarentena__serasa_consultas') }}
),

crm as (
    select * from {{ ref('stg_quarentena__crm') }}
),

registros as (
    select 'portal/eventos' as fonte, * from portal_eventos
    union all
    select 'pesquisas/envios' as fonte, * from pesquisas_envios
    union all
    select 'serasa/solicitacoes' as fonte, * from serasa_solicitacoes
    union all
    select 'serasa/consultas' as fonte, * from serasa_consultas
    union all
    select * from crm
),

final as (
    select
        fonte,
        data_carga,
        reason as motivo,
        source_file as arquivo,
        line_no as linha,
        content as conteudo
    from registros
)

select * from final
