{#- Every version of a relationship / after-sales ticket (atendimento), parsed as in
    macros/crm.sql; an unreadable value is NULL with its `_invalido` flag. `protocolo` is the
    ticket's protocol number, not its id: kept as text, never parsed. `idunidade` and
    `idatendimento_vinculados` (comma-separated lists) stay text here;
    stg_crm__atendimentos_idunidade and stg_crm__atendimentos_idatendimento_vinculados have one row
    per element. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'atendimentos') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'atendimentos'), 'dt') }}
),

parsed as (
    select
        idatendimento,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_texto('protocolo') }} as protocolo,
        {{ alicerce.crm_campo('idprotocolo', 'inteiro') }},
        {{ alicerce.crm_campo('data_cad', 'instante') }},
        {{ alicerce.crm_campo('data_situacao', 'instante') }},
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_campo('idcliente', 'inteiro') }},
        {{ alicerce.crm_campo('documento_cliente', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('nome_cliente') }} as nome_cliente,
        {{ alicerce.crm_campo('idcorretor', 'inteiro') }},
        {{ alicerce.crm_campo('idimobiliaria', 'inteiro') }},
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_texto('idunidade') }} as idunidade,
        {{ alicerce.crm_texto('idatendimento_vinculados') }} as idatendimento_vinculados,
        {{ alicerce.crm_texto('assunto') }} as assunto,
        {{ alicerce.crm_texto('canal') }} as canal,
        {{ alicerce.crm_texto('tipo') }} as tipo,
        {{ alicerce.crm_campo('avaliacao', 'contagem') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idatendimento is not null
)

select * from parsed
