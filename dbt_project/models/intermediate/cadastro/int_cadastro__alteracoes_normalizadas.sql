{#- Each listed field with its comparable before/after; formatting alone is not a change.
    The JSON work is done once per load date: incremental, partitions replaced (macros/incremental.sql). -#}
{{ alicerce.config_incremental_por_carga() }}

with

alteracoes as (
    select * from {{ ref('stg_portal__alteracoes') }}
    {{ alicerce.onde_cargas_novas(ref('stg_portal__eventos')) }}
),

normalizadas as (
    select
        *,
        {{ alicerce.normalizar_valor('campo', 'valor_anterior') }} as anterior_normalizado,
        {{ alicerce.normalizar_valor('campo', 'valor_novo') }} as novo_normalizado
    from alteracoes
),

comparadas as (
    select
        event_id,
        idpessoa,
        alterado_em,
        campo,
        valor_anterior,
        valor_novo,
        anterior_normalizado,
        novo_normalizado,
        anterior_normalizado is distinct from novo_normalizado as houve_mudanca,
        ingested_at,
        data_carga
    from normalizadas
)

select * from comparadas
