{#- Every version of a person associated with a reservation (co-buyer, partner), parsed as
    in macros/crm.sql: CPF as digits, income as DECIMAL(18,2); an unreadable value is NULL with its
    `_invalido` flag. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'reservas_associados') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'reservas_associados'), 'dt') }}
),

parsed as (
    select
        idassociado,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('idreserva', 'inteiro') }},
        {{ alicerce.crm_campo('idpessoa', 'inteiro') }},
        {{ alicerce.crm_texto('nome') }} as nome,
        {{ alicerce.crm_campo('documento', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('tipo_associacao') }} as tipo_associacao,
        {{ alicerce.crm_campo('renda_familiar', 'decimal') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idassociado is not null
)

select * from parsed
