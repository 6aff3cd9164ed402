{#- The current state of each CRM `reservas_associados` row: its latest version per referencia (by the CRM's
    referencia_data, then load). Soft-deleted rows stay, with `excluido`: downstream decides.
    A table, rebuilt every run. -#}
{{ config(materialized='table', file_format='parquet') }}

with

versoes as (
    select * from {{ ref('stg_crm__reservas_associados') }}
),

atual as (
    {{ alicerce.ultima_versao('versoes', 'referencia') }}
),

com_removidos as (
    {{ alicerce.marcar_removidos('atual', 'reservas_associados') }}
)

select * from com_removidos
