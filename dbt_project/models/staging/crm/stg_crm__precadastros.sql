{#- Every version of a credit pre-registration (pré-cadastro), parsed as in macros/crm.sql;
    an unreadable value is NULL with its `_invalido` flag. `idlead` (a comma-separated list)
    stays text here; stg_crm__precadastros_idlead has one row per lead. Incremental by load
    date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'precadastros') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'precadastros'), 'dt') }}
),

parsed as (
    select
        idprecadastro,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('data_cad', 'instante') }},
        {{ alicerce.crm_campo('idsituacao', 'inteiro') }},
        {{ alicerce.crm_texto('situacao') }} as situacao,
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_campo('idunidade', 'inteiro') }},
        {{ alicerce.crm_campo('idcorretor', 'inteiro') }},
        {{ alicerce.crm_campo('idimobiliaria', 'inteiro') }},
        {{ alicerce.crm_campo('idpessoa', 'inteiro') }},
        {{ alicerce.crm_texto('pessoa') }} as pessoa,
        {{ alicerce.crm_texto('idlead') }} as idlead,
        {{ alicerce.crm_campo('renda_cliente_principal', 'decimal') }},
        {{ alicerce.crm_campo('valor_avaliacao', 'decimal') }},
        {{ alicerce.crm_campo('valor_aprovado', 'decimal') }},
        {{ alicerce.crm_campo('valor_total', 'decimal') }},
        {{ alicerce.crm_campo('data_ultima_alteracao_situacao', 'instante') }},
        {{ alicerce.crm_linhagem() }}
    from source
    where idprecadastro is not null
)

select * from parsed
