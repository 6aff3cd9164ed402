{#- One row per CRM person with at least one call answered ok (resultado 'ok'):
    - the score of the latest ok call whose score by the summary rule is calculated (the JSON
      score; in legacy N500 when calculated, else F900_REHM);
    - the negative annotations of the latest ok call, whatever it carried (NULL for a kind whose
      block that call did not carry);
    - the latest ok call and the number of ok calls;
    - the person's current name and CPF from the CRM (masked by the dashboards' data access).
    "Latest" is by consultado_em (else solicitado_em), ties by id_consulta. -#}
with

consultas as (
    select
        id_consulta,
        idpessoa,
        formato,
        consultado_em,
        coalesce(consultado_em, solicitado_em) as momento
    from {{ ref('int_serasa__consultas') }}
    where resultado = 'ok' and idpessoa is not null
),

scores as (
    select id_consulta, fonte, score, faixa, modelo
    from {{ ref('int_serasa__scores') }}
    where score_da_consulta and calculado
),

anotacoes as (
    select * from {{ ref('int_serasa__anotacoes_resumo') }}
),

pessoas as (
    select idpessoa, nome, documento from {{ ref('int_crm__pessoas_atual') }}
),

ordenadas as (
    select
        *,
        row_number() over (
            partition by idpessoa order by momento desc nulls last, id_consulta desc
        ) as recencia,
        count(*) over (partition by idpessoa) as consultas_ok
    from consultas
),

ultima as (
    select * from ordenadas where recencia = 1
),

com_score as (
    select
        consultas.idpessoa,
        consultas.consultado_em,
        scores.fonte,
        scores.score,
        scores.faixa,
        scores.modelo,
        row_number() over (
            partition by consultas.idpessoa
            order by consultas.momento desc nulls last, consultas.id_consulta desc
        ) as recencia
    from consultas
    inner join scores on scores.id_consulta = consultas.id_consulta
),

ultimo_score as (
    select * from com_score where recencia = 1
),

anotacoes_da_ultima as (
    select
        ultima.idpessoa,
        max(case when anotacoes.tipo = 'pefin' then anotacoes.quantidade end) as pefin_quantidade,
        max(case when anotacoes.tipo = 'pefin' then anotacoes.valor_total end) as pefin_valor,
        max(case when anotacoes.tipo = 'refin' then anotacoes.quantidade end) as refin_quantidade,
        max(case when anotacoes.tipo = 'refin' then anotacoes.valor_total end) as refin_valor,
        max(case when anotacoes.tipo = 'protestos' then anotacoes.quantidade end) as protestos_quantidade,
        max(case when anotacoes.tipo = 'protestos' then anotacoes.valor_total end) as protestos_valor,
        max(case when anotacoes.tipo = 'cheques' then anotacoes.quantidade end) as cheques_quantidade,
        max(case when anotacoes.tipo = 'dividas_vencidas' then anotacoes.quantidade end)
            as dividas_vencidas_quantidade,
        max(case when anotacoes.tipo = 'dividas_vencidas' then anotacoes.valor_total end)
            as dividas_vencidas_valor,
        sum(anotacoes.quantidade) as anotacoes_quantidade
    from ultima
    inner join anotacoes on anotacoes.id_consulta = ultima.id_consulta
    group by ultima.idpessoa
)

select
    ultima.idpessoa,
    pessoas.nome,
    pessoas.documento,
    ultimo_score.score,
    ultimo_score.faixa as faixa_score,
    ultimo_score.modelo as modelo_score,
    ultimo_score.fonte as fonte_score,
    ultimo_score.consultado_em as score_em,
    anotacoes_da_ultima.pefin_quantidade,
    anotacoes_da_ultima.pefin_valor,
    anotacoes_da_ultima.refin_quantidade,
    anotacoes_da_ultima.refin_valor,
    anotacoes_da_ultima.protestos_quantidade,
    anotacoes_da_ultima.protestos_valor,
    anotacoes_da_ultima.cheques_quantidade,
    anotacoes_da_ultima.dividas_vencidas_quantidade,
    anotacoes_da_ultima.dividas_vencidas_valor,
    cast(anotacoes_da_ultima.anotacoes_quantidade as int) as anotacoes_quantidade,
    ultima.consultado_em as ultima_consulta_em,
    ultima.formato as ultima_consulta_formato,
    cast(ultima.consultas_ok as int) as consultas
from ultima
left join ultimo_score on ultimo_score.idpessoa = ultima.idpessoa
left join anotacoes_da_ultima on anotacoes_da_ultima.idpessoa = ultima.idpessoa
left join pessoas on pessoas.idpessoa = ultima.idpessoa
