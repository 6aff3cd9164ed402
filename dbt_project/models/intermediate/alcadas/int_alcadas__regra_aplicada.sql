{#- The rule that judges each reservation (DESIGN.md, "Alçadas"): per scope, the latest version in
    force on the sale date; a rule for the reservation's price table and empreendimento wins, then
    one for the price table, then one for the empreendimento. Reservations without one are absent.
    ingestion/alcadas/rules.py (Rules.in_force) chooses the same way for the what-if. -#}
with

reservas as (
    select idreserva, idempreendimento, idtabela, data_venda
    from {{ ref('int_alcadas__reservas') }}
),

versoes as (
    select distinct regra, idempreendimento, idtabela, vigencia, ciclos_total
    from {{ ref('stg_alcadas__regras') }}
),

em_vigor as (
    select
        reservas.idreserva,
        versoes.regra,
        versoes.vigencia,
        versoes.ciclos_total,
        row_number() over (
            partition by reservas.idreserva
            order by
                case
                    when versoes.idempreendimento is not null and versoes.idtabela is not null
                        then 1
                    when versoes.idtabela is not null then 2
                    else 3
                end,
                versoes.vigencia desc
        ) as prioridade
    from reservas
    join versoes
        on versoes.vigencia <= reservas.data_venda
        and (versoes.idtabela is null or versoes.idtabela = reservas.idtabela)
        and (versoes.idempreendimento is null or versoes.idempreendimento = reservas.idempreendimento)
)

select idreserva, regra, vigencia as regra_vigencia, ciclos_total
from em_vigor
where prioridade = 1
