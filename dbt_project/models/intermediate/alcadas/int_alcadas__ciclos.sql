{#- Each cycle of the rule that judges a reservation with a contract value (DESIGN.md, "Alçadas"),
    with its end month, the previous cycle's, and, in integer centavos, what is required and what
    the counting installments due up to and including the end month achieve. A series of
    `quantidade` installments every `periodicidade_meses` months from `mes_primeiro` has
    least(quantidade, (fim - mes_primeiro) div periodicidade + 1) of them due by month `fim` (all
    of them for a single payment, none before its first month): the expansion into installments,
    counted rather than listed. The required amount is the smallest in centavos that meets the
    percentage: ceil(contract * bp / 10000). A keys-anchored end without a keys date is NULL.
    A table: both marts read it. -#}
{{ config(materialized='table', file_format='parquet') }}

with

aplicadas as (
    select
        reservas.idreserva,
        regra.regra,
        reservas.mes_venda,
        reservas.mes_chaves,
        {{ alicerce.centavos('reservas.valor_contrato') }} as contrato_centavos
    from {{ ref('int_alcadas__reservas') }} as reservas
    join {{ ref('int_alcadas__regra_aplicada') }} as regra on regra.idreserva = reservas.idreserva
    where reservas.valor_contrato > 0
),

ciclos as (
    select
        aplicadas.idreserva,
        aplicadas.regra,
        regras.ciclo,
        regras.ciclo_nome,
        regras.ancora,
        regras.meses,
        regras.percentual_bp as percentual_exigido_bp,
        aplicadas.contrato_centavos,
        case regras.ancora
            when 'venda' then aplicadas.mes_venda
            when 'chaves' then aplicadas.mes_chaves
        end + regras.meses as fim
    from aplicadas
    join {{ ref('stg_alcadas__regras') }} as regras on regras.regra = aplicadas.regra
),

series as (
    select idreserva, quantidade, valor_centavos, mes_primeiro, periodicidade_meses
    from {{ ref('int_alcadas__series') }}
    where conta and legivel
),

atingido as (
    select
        ciclos.idreserva,
        ciclos.ciclo,
        coalesce(sum(
            case
                when series.periodicidade_meses = 0 then series.quantidade
                else least(
                    series.quantidade,
                    {{ alicerce.div_inteira(
                        'ciclos.fim - series.mes_primeiro', 'series.periodicidade_meses'
                    ) }} + 1
                )
            end * series.valor_centavos
        ), 0) as atingido_centavos
    from ciclos
    left join series
        on series.idreserva = ciclos.idreserva and series.mes_primeiro <= ciclos.fim
    group by ciclos.idreserva, ciclos.ciclo
)

select
    ciclos.idreserva,
    ciclos.regra,
    ciclos.ciclo,
    ciclos.ciclo_nome,
    ciclos.ancora,
    ciclos.meses,
    ciclos.fim,
    lag(ciclos.fim) over (partition by ciclos.idreserva order by ciclos.ciclo) as fim_anterior,
    ciclos.percentual_exigido_bp,
    ciclos.contrato_centavos,
    {{ alicerce.div_inteira('ciclos.contrato_centavos * ciclos.percentual_exigido_bp + 9999', 10000) }}
        as exigido_centavos,
    cast(atingido.atingido_centavos as bigint) as atingido_centavos
from ciclos
join atingido on atingido.idreserva = ciclos.idreserva and atingido.ciclo = ciclos.ciclo
