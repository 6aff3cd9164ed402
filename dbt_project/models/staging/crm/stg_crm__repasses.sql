{#- Every version of a repasse (the bank-financing transfer of a sale), parsed as in
    macros/crm.sql; an unreadable value is NULL with its `_invalido` flag. Incremental by load
    date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'repasses') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'repasses'), 'dt') }}
),

parsed as (
    select
        idrepasse,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('data_cadastro', 'instante') }},
        {{ alicerce.crm_campo('idsituacao', 'inteiro') }},
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_campo('idreserva', 'inteiro') }},
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_campo('idunidade', 'inteiro') }},
        {{ alicerce.crm_campo('idcliente', 'inteiro') }},
        {{ alicerce.crm_campo('documento_cliente', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('cliente') }} as cliente,
        {{ alicerce.crm_campo('parcela', 'sim_nao') }},
        {{ alicerce.crm_campo('valor_previsto', 'decimal') }},
        {{ alicerce.crm_campo('valor_financiado', 'decimal') }},
        {{ alicerce.crm_campo('saldo_devedor', 'decimal') }},
        {{ alicerce.crm_texto('banco') }} as banco,
        {{ alicerce.crm_campo('data_registro', 'data') }},
        {{ alicerce.crm_campo('data_venda', 'data') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idrepasse is not null
)

select * from parsed
