{#- One row per current reservation: the alçada rule that judges its payment flow and the outcome
    (DESIGN.md, "Alçadas"). status: 'aprovado' (every cycle met), 'requer_alcada_superior' (some
    cycle not met: the first one and its shortfall are given), 'sem_regra' (no rule in force on
    the sale date), 'regra_inaplicavel' (motivo: no contract value, no keys date for a
    keys-anchored cycle, or the keys month puts a cycle's end at or before the previous one's).
    The flow's total over every series (bank-paid and unknown ones included) is compared with
    the contract value; unknown series names are listed and left out of the cycles.
    ingestion/alcadas/flow.py gives the same for one proposal (the what-if). -#}
with

reservas as (
    select * from {{ ref('int_alcadas__reservas') }}
),

regra as (
    select * from {{ ref('int_alcadas__regra_aplicada') }}
),

ciclos as (
    select * from {{ ref('int_alcadas__ciclos') }}
),

series as (
    select * from {{ ref('int_alcadas__series') }}
),

fluxos as (
    select
        idreserva,
        sum(case when legivel then quantidade * valor end) as total_fluxo,
        sum(case when legivel then 0 else 1 end) as series_ilegiveis
    from series
    group by idreserva
),

nomes_desconhecidos as (
    select distinct idreserva, serie
    from series
    where not conhecida
),

desconhecidas as (
    select
        idreserva,
        {{ alicerce.join_text('serie', 'serie', "', '") }} as series_desconhecidas
    from nomes_desconhecidos
    group by idreserva
),

por_reserva as (
    select
        idreserva,
        count(*) as ciclos_avaliados,
        sum(case when atingido_centavos >= exigido_centavos then 1 else 0 end) as ciclos_atendidos,
        min(case when atingido_centavos < exigido_centavos then ciclo end) as primeiro_ciclo_falho,
        max(greatest(exigido_centavos - atingido_centavos, 0)) as maior_falta_centavos,
        max(case when fim is null then 1 else 0 end) as sem_chaves,
        min(case when fim <= fim_anterior then ciclo end) as ciclo_fora_de_ordem
    from ciclos
    group by idreserva
),

avaliadas as (
    select
        por_reserva.*,
        falho.ciclo_nome as primeiro_ciclo_falho_nome,
        falho.exigido_centavos - falho.atingido_centavos as falta_primeiro_centavos,
        case
            when por_reserva.sem_chaves = 1 then 'sem data de entrega das chaves'
            when por_reserva.ciclo_fora_de_ordem is not null then concat(
                'ciclo ', cast(fora.ciclo as string),
                ' termina em ', {{ alicerce.texto_do_indice('fora.fim') }},
                ', não depois do ciclo ', cast(fora.ciclo - 1 as string),
                ' (', {{ alicerce.texto_do_indice('fora.fim_anterior') }}, ')'
            )
        end as motivo_inaplicavel
    from por_reserva
    left join ciclos as falho
        on falho.idreserva = por_reserva.idreserva and falho.ciclo = por_reserva.primeiro_ciclo_falho
    left join ciclos as fora
        on fora.idreserva = por_reserva.idreserva and fora.ciclo = por_reserva.ciclo_fora_de_ordem
),

julgadas as (
    select
        reservas.*,
        regra.regra,
        regra.regra_vigencia,
        regra.ciclos_total,
        avaliadas.ciclos_atendidos,
        avaliadas.primeiro_ciclo_falho,
        avaliadas.primeiro_ciclo_falho_nome,
        avaliadas.falta_primeiro_centavos,
        avaliadas.maior_falta_centavos,
        case
            when regra.regra is null then 'sem_regra'
            when reservas.valor_contrato is null or reservas.valor_contrato <= 0
                then 'regra_inaplicavel'
            when avaliadas.motivo_inaplicavel is not null then 'regra_inaplicavel'
            when avaliadas.ciclos_atendidos = avaliadas.ciclos_avaliados then 'aprovado'
            else 'requer_alcada_superior'
        end as status,
        case
            when regra.regra is null then null
            when reservas.valor_contrato is null or reservas.valor_contrato <= 0
                then 'sem valor de contrato'
            else avaliadas.motivo_inaplicavel
        end as motivo,
        coalesce(fluxos.total_fluxo, 0) as total_fluxo,
        coalesce(fluxos.series_ilegiveis, 0) as series_ilegiveis,
        desconhecidas.series_desconhecidas
    from reservas
    left join regra on regra.idreserva = reservas.idreserva
    left join avaliadas on avaliadas.idreserva = reservas.idreserva
    left join fluxos on fluxos.idreserva = reservas.idreserva
    left join desconhecidas on desconhecidas.idreserva = reservas.idreserva
)

select
    idreserva,
    idempreendimento,
    empreendimento,
    idtabela,
    nometabela,
    idcliente,
    cliente,
    idcorretor,
    idimobiliaria,
    situacao,
    data_venda,
    data_entrega_chaves,
    valor_contrato,
    regra,
    regra_vigencia,
    status,
    motivo,
    cast(ciclos_total as int) as ciclos_total,
    cast(case when status in ('aprovado', 'requer_alcada_superior') then ciclos_atendidos end as int)
        as ciclos_atendidos,
    cast(case when status = 'requer_alcada_superior' then primeiro_ciclo_falho end as int)
        as primeiro_ciclo_falho,
    case when status = 'requer_alcada_superior' then primeiro_ciclo_falho_nome end
        as primeiro_ciclo_falho_nome,
    case when status = 'requer_alcada_superior' then {{ alicerce.reais('falta_primeiro_centavos') }} end
        as falta_primeiro_ciclo,
    case
        when status in ('aprovado', 'requer_alcada_superior') then {{ alicerce.reais('maior_falta_centavos') }}
    end as maior_falta,
    cast(total_fluxo as decimal(18, 2)) as total_fluxo,
    coalesce(total_fluxo <> valor_contrato, true) as fluxo_difere_do_contrato,
    series_desconhecidas,
    cast(series_ilegiveis as int) as series_ilegiveis
from julgadas
