{#- Every version of a reservation's payment series (one row per série: quantity, value of
    each installment, first due date), parsed as in macros/crm.sql; an unreadable value is NULL with
    its `_invalido` flag. `serie` is kept as written: it is not a closed set (DESIGN.md, alçadas).
    Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'reservas_condicoes') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'reservas_condicoes'), 'dt') }}
),

parsed as (
    select
        idreservascondicoes,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('idreserva', 'inteiro') }},
        {{ alicerce.crm_texto('serie') }} as serie,
        {{ alicerce.crm_campo('parcela_quantidade', 'contagem') }},
        {{ alicerce.crm_campo('valor', 'decimal') }},
        {{ alicerce.crm_campo('vencimento', 'data') }},
        {{ alicerce.crm_texto('indexador') }} as indexador,
        {{ alicerce.crm_texto('portador') }} as portador,
        {{ alicerce.crm_linhagem() }}
    from source
    where idreservascondicoes is not null
)

select * from parsed
