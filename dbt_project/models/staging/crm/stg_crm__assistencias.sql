{#- Every version of a technical-assistance request (assistência técnica), parsed as in
    macros/crm.sql; an unreadable value is NULL with its `_invalido` flag. Incremental by load
    date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'assistencias') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'assistencias'), 'dt') }}
),

parsed as (
    select
        idassistencia,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('data_cad', 'instante') }},
        {{ alicerce.crm_campo('idcliente', 'inteiro') }},
        {{ alicerce.crm_campo('documento_cliente', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('cliente') }} as cliente,
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_campo('idunidade', 'inteiro') }},
        {{ alicerce.crm_campo('idsituacao', 'inteiro') }},
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_campo('data_prevista_termino', 'data') }},
        {{ alicerce.crm_campo('data_conclusao', 'data') }},
        {{ alicerce.crm_campo('idatendimento', 'inteiro') }},
        {{ alicerce.crm_campo('custo_previsto', 'decimal') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idassistencia is not null
)

select * from parsed
