{#- The attributes that look at a segment's period (the periodo_dias days up to the reference
    date, both ends included), per (segment, person), computed only for the segments that use
    them:
    - campos_alterados: one row per registration field changed in the period (change report);
    - variacao_renda_pct: renda_familiar's change over the period in percent of the value before
      the period's first change, to after its last one, two decimals; 0 for someone whose
      informed income did not change; absent when either side is not informed (empty or 0). -#}
{{ config(materialized='table', file_format='parquet') }}

with

referencia as (
    select {{ alicerce.data_referencia() }} as data_referencia
),

janelas as (
    select distinct
        segmentos.segmento,
        condicoes.atributo,
        {{ alicerce.add_days('referencia.data_referencia', '1 - segmentos.periodo_dias') }} as desde,
        referencia.data_referencia as ate
    from {{ ref('stg_reengajamento__segmentos') }} as segmentos
    inner join {{ ref('stg_reengajamento__condicoes') }} as condicoes
        on segmentos.segmento = condicoes.segmento
    cross join referencia
    where condicoes.atributo in ('campos_alterados', 'variacao_renda_pct')
),

pessoas as (
    select idpessoa, renda_familiar_valor from {{ ref('int_reengajamento__pessoas') }}
),

alteracoes as (
    select
        janelas.segmento,
        janelas.atributo,
        alteracoes.idpessoa,
        alteracoes.campo,
        alteracoes.valor_anterior,
        alteracoes.valor_atual,
        row_number() over (
            partition by janelas.segmento, janelas.atributo, alteracoes.idpessoa, alteracoes.campo
            order by alteracoes.alterado_em, alteracoes.id_evento
        ) as ordem,
        row_number() over (
            partition by janelas.segmento, janelas.atributo, alteracoes.idpessoa, alteracoes.campo
            order by alteracoes.alterado_em desc, alteracoes.id_evento desc
        ) as ordem_desc
    from janelas
    inner join {{ ref('alteracoes_cadastrais') }} as alteracoes
        on alteracoes.data_local between janelas.desde and janelas.ate
    inner join pessoas on alteracoes.idpessoa = pessoas.idpessoa
),

campos_alterados as (
    select
        segmento,
        idpessoa,
        'campos_alterados' as atributo,
        cast(null as decimal(18, 4)) as numero,
        cast(null as boolean) as booleano,
        campo as texto
    from alteracoes
    where atributo = 'campos_alterados' and ordem = 1
),

renda_alterada as (
    select
        segmento,
        idpessoa,
        max(case when ordem = 1 then nullif({{ alicerce.renda_como_numero('valor_anterior') }}, 0) end)
            as antes,
        max(case when ordem_desc = 1 then nullif({{ alicerce.renda_como_numero('valor_atual') }}, 0) end)
            as depois
    from alteracoes
    where atributo = 'variacao_renda_pct' and campo = 'renda_familiar'
    group by segmento, idpessoa
),

variacao_renda as (
    select
        segmento,
        idpessoa,
        'variacao_renda_pct' as atributo,
        cast(round((depois - antes) * 100 / antes, 2) as decimal(18, 4)) as numero,
        cast(null as boolean) as booleano,
        cast(null as {{ dbt.type_string() }}) as texto
    from renda_alterada
    where antes is not null and depois is not null
    union all
    select
        janelas.segmento,
        pessoas.idpessoa,
        'variacao_renda_pct' as atributo,
        cast(0 as decimal(18, 4)) as numero,
        cast(null as boolean) as booleano,
        cast(null as {{ dbt.type_string() }}) as texto
    from janelas
    cross join pessoas
    left join renda_alterada
        on janelas.segmento = renda_alterada.segmento and pessoas.idpessoa = renda_alterada.idpessoa
    where
        janelas.atributo = 'variacao_renda_pct'
        and renda_alterada.idpessoa is null
        and nullif(pessoas.renda_familiar_valor, 0) is not null
)

select * from campos_alterados
union all
select * from variacao_renda
