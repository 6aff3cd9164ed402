{#- The re-engagement segments, one row each. -#}
select
    segmento,
    descricao,
    periodo_dias,
    combinacao,
    condicoes
from {{ source('reengajamento', 'segmentos') }}
