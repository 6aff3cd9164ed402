{#- Negative annotations per call and kind (int_serasa__anotacoes_resumo) with the person and the
    call's format. -#}
with

resumo as (
    select * from {{ ref('int_serasa__anotacoes_resumo') }}
),

consultas as (
    select id_consulta, idpessoa, formato, consultado_em
    from {{ ref('int_serasa__consultas') }}
)

select
    resumo.id_consulta,
    consultas.idpessoa,
    consultas.formato,
    consultas.consultado_em,
    resumo.tipo,
    resumo.quantidade,
    resumo.fonte_quantidade,
    resumo.quantidade_listada,
    resumo.valor_total
from resumo
inner join consultas on consultas.id_consulta = resumo.id_consulta
