{#- Every event of every CRM record a survey protocol can point to (dbt var registros_pesquisa),
    read from every version the CRM pulls saw, not only the current one: an atendimento whose
    status changed again still has the change that triggered the survey. One row per
    (tipo_registro, evento, idregistro, idpessoa, ocorrido_em). A date-only event counts from 00:00
    São Paulo of its day. Versions only add events, so a month linked earlier comes out the same
    when linked again. A table: the matching joins it once per dispatch. -#}
{{ config(materialized='table', file_format='parquet') }}

{% for tipo, registro in var('registros_pesquisa').items() %}
{%- for evento, coluna in registro.eventos.items() %}
{%- if coluna.endswith('_utc') %}
    {%- set instante = coluna %}
{%- else %}
    {%- set instante = alicerce.sao_paulo_naive_to_utc('cast(' ~ coluna ~ ' as timestamp)') %}
{%- endif %}
select distinct
    '{{ tipo }}' as tipo_registro,
    '{{ evento }}' as evento,
    {{ registro.id }} as idregistro,
    {{ registro.pessoa }} as idpessoa,
    {{ instante }} as ocorrido_em
from {{ ref(registro.modelo) }}
where {{ registro.id }} is not null and {{ registro.pessoa }} is not null and {{ coluna }} is not null
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
