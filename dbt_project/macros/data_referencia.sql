{#- The date the status marts are computed as of (DESIGN.md: the run date, São Paulo): the
    environment's ALICERCE_DATA_REFERENCIA (YYYY-MM-DD; the pipeline sets its load date), else
    today in São Paulo. -#}
{% macro data_referencia() -%}
    {%- set dia = env_var('ALICERCE_DATA_REFERENCIA', '') -%}
    {%- if dia -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', dia) -%}
            {{ exceptions.raise_compiler_error("ALICERCE_DATA_REFERENCIA must be YYYY-MM-DD, got " ~ dia) }}
        {%- endif -%}
        {%- do modules.datetime.datetime.strptime(dia, '%Y-%m-%d') -%}  {#- fails on 2026-02-30 -#}
        cast('{{ dia }}' as date)
    {%- else -%}
        cast({{ alicerce.utc_to_sao_paulo('cast(current_timestamp as timestamp)') }} as date)
    {%- endif -%}
{%- endmacro %}
