{#- Every version of a unit for sale, parsed as in macros/crm.sql: its dates come as
    dd/mm/yyyy, areas and prices as numbers with a US decimal point; an unreadable value is NULL
    with its `_invalido` flag. Incremental by load date. -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'unidades') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'unidades'), 'dt') }}
),

parsed as (
    select
        idunidade,
        {{ alicerce.crm_versao() }},
        {{ alicerce.crm_campo('idempreendimento', 'inteiro') }},
        {{ alicerce.crm_texto('nome_empreendimento') }} as nome_empreendimento,
        {{ alicerce.crm_campo('idetapa', 'inteiro') }},
        {{ alicerce.crm_texto('etapa') }} as etapa,
        {{ alicerce.crm_campo('idbloco', 'inteiro') }},
        {{ alicerce.crm_texto('bloco') }} as bloco,
        {{ alicerce.crm_texto('nome') }} as nome,
        {{ alicerce.crm_texto('andar') }} as andar,
        {{ alicerce.crm_texto('tipologia') }} as tipologia,
        {{ alicerce.crm_campo('area_privativa', 'decimal') }},
        {{ alicerce.crm_campo('valor', 'decimal') }},
        {{ alicerce.crm_campo('data_entrega', 'data') }},
        {{ alicerce.crm_campo('data_entrega_chaves', 'data') }},
        {{ alicerce.crm_campo('data_bloqueio', 'data') }},
        {{ alicerce.crm_texto('situacao_mapa_disponibilidade') }} as situacao_mapa_disponibilidade,
        {{ alicerce.crm_linhagem() }}
    from source
    where idunidade is not null
)

select * from parsed
