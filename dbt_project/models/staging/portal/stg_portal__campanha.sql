{#- The update campaign's versions, each holding from vigente_desde until vigente_ate (exclusive). -#}
select
    cast(vigente_desde as date) as vigente_desde,
    cast(vigente_ate as date) as vigente_ate,
    habilitada,
    frequencia_dias,
    cast(ativacao as date) as ativacao
from {{ source('portal', 'campanha') }}
