{#- Every series of the current reservations' payment flows (reservas_condicoes: `quantidade`
    installments of `valor` EACH from the first due date), matched to the configured series by
    name, trimmed and case-insensitive. A series is `conta` when known and counting (bank-paid
    ones do not unless configured) and readable; an unknown name or an unreadable quantity, value
    or due date is left out of the cycles and reported by the marts. -#}
with

condicoes as (
    select * from {{ ref('int_crm__reservas_condicoes_atual') }}
    where not excluido and not removido_no_crm and idreserva is not null
),

series as (
    select * from {{ ref('stg_alcadas__series') }}
)

select
    condicoes.idreservascondicoes,
    condicoes.idreserva,
    condicoes.serie,
    series.serie is not null as conhecida,
    condicoes.parcela_quantidade is not null
        and condicoes.valor is not null
        and condicoes.vencimento is not null as legivel,
    condicoes.parcela_quantidade as quantidade,
    condicoes.valor,
    {{ alicerce.centavos('condicoes.valor') }} as valor_centavos,
    {{ alicerce.indice_mes('condicoes.vencimento') }} as mes_primeiro,
    series.periodicidade_meses,
    coalesce(series.conta, false) as conta
from condicoes
left join series on lower(condicoes.serie) = series.serie_chave
