{#- Every version of a rescission (distrato) of a sale, keyed by idreserva, parsed as in
    macros/crm.sql; an unreadable value is NULL with its `_invalido` flag. Incremental by load
    date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'distratos') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'distratos'), 'dt') }}
),

parsed as (
    select
        idreserva,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('aprovada', 'sim_nao') }},
        {{ alicerce.crm_campo('data_cad', 'instante') }},
        {{ alicerce.crm_campo('situacao_data', 'instante') }},
        {{ alicerce.crm_texto('situacao_atual') }} as situacao_atual,
        {{ alicerce.crm_campo('idsituacao', 'inteiro') }},
        {{ alicerce.crm_campo('idcliente', 'inteiro') }},
        {{ alicerce.crm_campo('documento', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('cliente') }} as cliente,
        {{ alicerce.crm_texto('motivo_distrato') }} as motivo_distrato,
        {{ alicerce.crm_campo('valor_contrato', 'decimal') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idreserva is not null
)

select * from parsed
