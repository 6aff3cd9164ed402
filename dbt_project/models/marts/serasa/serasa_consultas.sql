{#- One row per Serasa call, JSON and legacy alike: who asked, through which panel and key, what
    came back, the call's score by the summary rule, its cost and its unknown fields. -#}
with

consultas as (
    select * from {{ ref('int_serasa__consultas') }}
),

scores as (
    select id_consulta, score, faixa
    from {{ ref('int_serasa__scores') }}
    where score_da_consulta
),

precos as (
    select * from {{ ref('stg_serasa__precos') }}
),

desconhecidos as (
    select id_consulta, count(*) as campos
    from {{ ref('int_serasa__campos_desconhecidos') }}
    group by id_consulta
),

cobradas as (
    select id_consulta, report_name, optional_features
    from consultas
    where cobrada
),

features as (
    select distinct
        id_consulta,
        trim(feature_texto) as item
    from (
        select
            id_consulta,
            {{ alicerce.crm_explodir_lista('optional_features', 'feature') }}
        from cobradas
        where optional_features is not null
    ) as lista
    where trim(feature_texto) <> ''
),

itens as (
    select id_consulta, 'relatorio' as item_tipo, report_name as item from cobradas
    union all
    select id_consulta, 'optional_feature' as item_tipo, item from features
),

custos as (
    select
        itens.id_consulta,
        sum(precos.preco) as custo_conhecido,
        count(*) = count(precos.preco) as preco_conhecido
    from itens
    left join precos on precos.item_tipo = itens.item_tipo and precos.item = itens.item
    group by itens.id_consulta
)

select
    consultas.id_consulta,
    consultas.id_solicitacao,
    consultas.formato,
    consultas.painel,
    consultas.usuario,
    consultas.idusuario,
    consultas.chave,
    consultas.idpessoa,
    consultas.tipo_pessoa,
    consultas.relatorios_texto as relatorios,
    consultas.report_name,
    consultas.optional_features,
    consultas.resultado,
    consultas.http_status,
    consultas.cobrada,
    consultas.latencia_ms,
    consultas.renovacoes_token,
    consultas.motivo,
    consultas.solicitado_em,
    consultas.consultado_em,
    cast({{ alicerce.utc_to_sao_paulo('coalesce(consultas.consultado_em, consultas.solicitado_em)') }} as date)
        as data_consulta,
    scores.score,
    scores.faixa as faixa_score,
    case
        when consultas.cobrada
            then cast(coalesce(custos.custo_conhecido, 0) as decimal(18, 2))
    end as custo,
    case when consultas.cobrada then custos.preco_conhecido end as preco_conhecido,
    cast(coalesce(desconhecidos.campos, 0) as int) as campos_desconhecidos
from consultas
left join scores on scores.id_consulta = consultas.id_consulta
left join custos on custos.id_consulta = consultas.id_consulta
left join desconhecidos on desconhecidos.id_consulta = consultas.id_consulta
