{#- One row per judged reservation (aprovado or requer_alcada_superior) and cycle of its rule
    (DESIGN.md, "Alçadas"): the end month, the required and achieved percentages (basis points,
    the achieved one rounded half up) and amounts, the shortfall and whether the cycle is met.
    The required amount is the smallest amount in centavos that meets the percentage, so a cycle
    is met exactly when valor_atingido >= valor_exigido (equal passes). -#}
with

ciclos as (
    select * from {{ ref('int_alcadas__ciclos') }}
),

julgadas as (
    select idreserva
    from {{ ref('alcadas_aprovacao') }}
    where status in ('aprovado', 'requer_alcada_superior')
)

select
    ciclos.idreserva,
    ciclos.regra,
    cast(ciclos.ciclo as int) as ciclo,
    ciclos.ciclo_nome,
    ciclos.ancora,
    cast(ciclos.meses as int) as meses,
    {{ alicerce.mes_do_indice('ciclos.fim') }} as fim_mes,
    cast(ciclos.percentual_exigido_bp as int) as percentual_exigido_bp,
    cast({{ alicerce.basis_points('ciclos.atingido_centavos', 'ciclos.contrato_centavos') }} as int)
        as percentual_atingido_bp,
    {{ alicerce.reais('ciclos.exigido_centavos') }} as valor_exigido,
    {{ alicerce.reais('ciclos.atingido_centavos') }} as valor_atingido,
    {{ alicerce.reais('greatest(ciclos.exigido_centavos - ciclos.atingido_centavos, 0)') }} as falta,
    ciclos.atingido_centavos >= ciclos.exigido_centavos as atendido
from ciclos
join julgadas on julgadas.idreserva = ciclos.idreserva
