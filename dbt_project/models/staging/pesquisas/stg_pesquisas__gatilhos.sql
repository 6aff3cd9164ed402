{#- The survey triggers, one row per gatilho. -#}
select
    gatilho,
    tipo_registro,
    evento,
    janela_dias
from {{ source('pesquisas', 'gatilhos') }}
