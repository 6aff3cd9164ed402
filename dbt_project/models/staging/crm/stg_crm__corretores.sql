{#- Every version of a broker (corretor), parsed as in macros/crm.sql: CPF as digits; an
    unreadable value is NULL with its `_invalido` flag. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'corretores') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'corretores'), 'dt') }}
),

parsed as (
    select
        idcorretor,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('idimobiliaria', 'inteiro') }},
        {{ alicerce.crm_campo('documento', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('nome') }} as nome,
        {{ alicerce.crm_texto('apelido') }} as apelido,
        {{ alicerce.crm_texto('creci') }} as creci,
        {{ alicerce.crm_texto('categoria') }} as categoria,
        {{ alicerce.crm_texto('email') }} as email,
        {{ alicerce.crm_linhagem() }}
    from source
    where idcorretor is not null
)

select * from parsed
