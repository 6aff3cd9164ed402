{#- Every version of a survey (pesquisa), parsed as in macros/crm.sql; the API's camelCase
    dataInicio/dataFim become data_inicio/data_fim. `ids_perguntas` (a comma-separated list)
    stays text here; stg_crm__pesquisas_ids_perguntas has one row per question. An unreadable value
    is NULL with its `_invalido` flag. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'pesquisas') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'pesquisas'), 'dt') }}
),

parsed as (
    select
        idpesquisa,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_texto('pesquisa') }} as pesquisa,
        {{ alicerce.crm_texto('tipo_pesquisa') }} as tipo_pesquisa,
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_campo('dataInicio', 'data', 'data_inicio') }},
        {{ alicerce.crm_campo('dataFim', 'data', 'data_fim') }},
        {{ alicerce.crm_campo('data_referencia', 'data') }},
        {{ alicerce.crm_texto('ids_perguntas') }} as ids_perguntas,
        {{ alicerce.crm_linhagem() }}
    from source
    where idpesquisa is not null
)

select * from parsed
