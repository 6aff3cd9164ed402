{#- Every version of a cessão de direitos (a reservation transferred from one client, the
    cedente, to another, the cessionário), parsed as in macros/crm.sql. The endpoint's schema is
    assumed (docs/sources.md). An unreadable value is NULL with its `_invalido` flag. Incremental
    by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'cessoes') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'cessoes'), 'dt') }}
),

parsed as (
    select
        idcessao,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('idreserva', 'inteiro') }},
        {{ alicerce.crm_campo('idcedente', 'inteiro') }},
        {{ alicerce.crm_campo('idcessionario', 'inteiro') }},
        {{ alicerce.crm_campo('data_cessao', 'data') }},
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_linhagem() }}
    from source
    where idcessao is not null
)

select * from parsed
