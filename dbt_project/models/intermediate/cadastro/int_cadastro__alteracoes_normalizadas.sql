{#- Each listed field with its comparable before/after; formatting alone is not a change. -#}
with

alteracoes as (
    select * from {{ ref('stg_portal__alteracoes') }}
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
        *,
        anterior_normalizado is distinct from novo_normalizado as houve_mudanca
    from normalizadas
)

select * from comparadas
