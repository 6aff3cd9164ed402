{#- Every version of a brokerage (imobiliária), parsed as in macros/crm.sql: CNPJ as
    digits; an unreadable value is NULL with its `_invalido` flag. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'imobiliarias') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'imobiliarias'), 'dt') }}
),

parsed as (
    select
        idimobiliaria,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_texto('nome') }} as nome,
        {{ alicerce.crm_texto('razao_social') }} as razao_social,
        {{ alicerce.crm_campo('cnpj', 'documento') }},
        {{ alicerce.crm_texto('creci') }} as creci,
        {{ alicerce.crm_texto('sigla') }} as sigla,
        {{ alicerce.crm_linhagem() }}
    from source
    where idimobiliaria is not null
)

select * from parsed
