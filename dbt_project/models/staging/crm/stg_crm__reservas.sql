{#- Every version of a CRM reservation, parsed (macros/crm.sql): ids as integers, money as
    DECIMAL(18,2), moments in UTC, calendar dates as DATE, flags as booleans, the client's CPF as
    digits; an unreadable value is NULL with its `_invalido` flag. `idlead` (a comma-separated list)
    stays text here; stg_crm__reservas_idlead has one row per lead. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'reservas') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'reservas'), 'dt') }}
),

parsed as (
    select
        idreserva,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('data_cad', 'instante') }},
        {{ alicerce.crm_campo('data_venda', 'data') }},
        {{ alicerce.crm_campo('data_contrato', 'data') }},
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_campo('idsituacao', 'inteiro') }},
        {{ alicerce.crm_texto('situacao_comercial') }} as situacao_comercial,
        {{ alicerce.crm_campo('aprovada', 'sim_nao') }},
        {{ alicerce.crm_campo('venda', 'sim_nao') }},
        {{ alicerce.crm_campo('cessao', 'sim_nao') }},
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_texto('empreendimento') }} as empreendimento,
        {{ alicerce.crm_texto('etapa') }} as etapa,
        {{ alicerce.crm_texto('bloco') }} as bloco,
        {{ alicerce.crm_texto('unidade') }} as unidade,
        {{ alicerce.crm_campo('idunidade', 'inteiro') }},
        {{ alicerce.crm_campo('idcliente', 'inteiro') }},
        {{ alicerce.crm_campo('documento_cliente', 'documento') }},
        cpf_hash,
        {{ alicerce.crm_texto('cliente') }} as cliente,
        {{ alicerce.crm_campo('idcorretor', 'inteiro') }},
        {{ alicerce.crm_texto('corretor') }} as corretor,
        {{ alicerce.crm_campo('idimobiliaria', 'inteiro') }},
        {{ alicerce.crm_texto('imobiliaria') }} as imobiliaria,
        {{ alicerce.crm_campo('valor_contrato', 'decimal') }},
        {{ alicerce.crm_texto('idlead') }} as idlead,
        {{ alicerce.crm_campo('idprecadastro', 'inteiro') }},
        {{ alicerce.crm_campo('idtabela', 'inteiro') }},
        {{ alicerce.crm_texto('nometabela') }} as nometabela,
        {{ alicerce.crm_campo('data_entrega_chaves_contrato_cliente', 'data') }},
        {{ alicerce.crm_campo('data_cancelamento', 'instante') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idreserva is not null
)

select * from parsed
