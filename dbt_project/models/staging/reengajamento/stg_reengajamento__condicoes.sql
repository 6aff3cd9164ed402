{#- The segments' conditions, one row per (segment, condition, listed value); numbers as exact
    decimals (the file allows at most 4 decimal places). -#}
select
    segmento,
    posicao,
    atributo,
    operador,
    cast(numero as decimal(18, 4)) as numero,
    cast(numero_ate as decimal(18, 4)) as numero_ate,
    booleano,
    texto
from {{ source('reengajamento', 'segmentos_condicoes') }}
