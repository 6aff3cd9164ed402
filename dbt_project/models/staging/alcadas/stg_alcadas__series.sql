{#- The series names the payment flows may carry, with their periodicity and whether they count. -#}
select
    serie_chave,
    serie,
    periodicidade_meses,
    paga_por_banco,
    conta
from {{ source('alcadas', 'series') }}
