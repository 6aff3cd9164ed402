{#- The unknown fields of each call's document (int_serasa__campos_desconhecidos) with the call's
    format and time: what Serasa (or the legacy parser) started sending that nobody reads yet. -#}
with

desconhecidos as (
    select * from {{ ref('int_serasa__campos_desconhecidos') }}
),

consultas as (
    select id_consulta, formato, consultado_em
    from {{ ref('int_serasa__consultas') }}
)

select
    desconhecidos.id_consulta,
    consultas.formato,
    consultas.consultado_em,
    desconhecidos.caminho,
    desconhecidos.campo
from desconhecidos
inner join consultas on consultas.id_consulta = desconhecidos.id_consulta
