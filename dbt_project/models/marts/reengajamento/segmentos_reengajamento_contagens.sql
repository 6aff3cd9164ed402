{#- Each segment's size per reference date, for the trend: a run adds (or replaces) the row of
    its own date for every segment in the file, zero included; a segment removed from the file
    keeps its past rows. Contactable = consent S with a channel. -#}
{{ alicerce.config_historico_por_data_referencia() }}

with

membros as (
    select * from {{ ref('segmentos_reengajamento') }}
)

select
    segmentos.segmento,
    segmentos.descricao,
    count(membros.idpessoa) as pessoas,
    count(case when membros.consentimento = 'sim' and membros.canais <> '' then 1 end)
        as contataveis,
    count(case when membros.consentimento = 'desconhecido' then 1 end)
        as consentimento_desconhecido,
    count(case when membros.consentimento = 'nao' then 1 end) as sem_consentimento,
    {{ alicerce.data_referencia() }} as data_referencia  -- last: Spark's partition column
from {{ ref('stg_reengajamento__segmentos') }} as segmentos
left join membros on segmentos.segmento = membros.segmento
group by segmentos.segmento, segmentos.descricao
