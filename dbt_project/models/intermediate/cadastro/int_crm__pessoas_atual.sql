{#- The current state of each person: the latest version (by the CRM's referencia_data, then load).
    A table, rebuilt every run: every mart that joins people reads it, and its tests run once. -#}
{{ config(materialized='table', file_format='parquet') }}

with

versoes as (
    select * from {{ ref('stg_crm__pessoas') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by idpessoa order by referencia_data_utc desc, ingested_at desc
        ) as versao_desc
    from versoes
),

atual as (
    select * from ranked where versao_desc = 1
)

select * from atual
