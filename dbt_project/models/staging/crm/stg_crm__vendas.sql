{#- Every version of a sale (a reservation that became a sale, keyed by idreserva), parsed as
    in macros/crm.sql; an unreadable value is NULL with its `_invalido` flag. Incremental by load
    date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'vendas') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'vendas'), 'dt') }}
),

parsed as (
    select
        idreserva,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('data_reserva', 'data') }},
        {{ alicerce.crm_campo('data_venda', 'data') }},
        {{ alicerce.crm_campo('aprovada', 'sim_nao') }},
        {{ alicerce.crm_campo('valor_contrato', 'decimal') }},
        {{ alicerce.crm_campo('idcliente', 'inteiro') }},
        {{ alicerce.crm_campo('idpessoa_cv', 'inteiro') }},
        {{ alicerce.crm_campo('documento_cliente', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('cliente') }} as cliente,
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_campo('idunidade', 'inteiro') }},
        {{ alicerce.crm_campo('idtabela', 'inteiro') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idreserva is not null
)

select * from parsed
