{#- What each complete sweep of a CRM object saw (one row per sweep and referencia). -#}
with

source as (
    select * from {{ source('crm', 'varreduras') }}
),

vistas as (
    select
        tabela,
        pull_id,
        iniciada_em,
        referencia
    from source
    where referencia is not null
)

select * from vistas
