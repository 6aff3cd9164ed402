{#- Incremental by load date (DESIGN.md): a run rebuilds only the load dates (lake partitions) that
    received data since the table was last built, and replaces those whole partitions:
    delete+insert on DuckDB, insert_overwrite on Spark (no keyed merge, no Delta needed).
    "Received data since" is judged by ingested_at, so a backfilled old load date is rebuilt too. -#}
{% macro config_incremental_por_carga() -%}
    {%- if target.type == 'spark' -%}
        {{ config(materialized='incremental', incremental_strategy='insert_overwrite',
                  partition_by=['data_carga'], file_format='parquet', on_schema_change='fail') }}
    {%- else -%}
        {{ config(materialized='incremental', incremental_strategy='delete+insert',
                  unique_key='data_carga', on_schema_change='fail') }}
    {%- endif -%}
{%- endmacro %}

{#- The WHERE clause that keeps only the rows of the load dates to rebuild (nothing on a full build).
    `relation` has `coluna` (the load date: data_carga, or the lake's dt) and ingested_at; {{ this }}
    has ingested_at. -#}
{% macro onde_cargas_novas(relation, coluna='data_carga') -%}
    {%- if is_incremental() -%}
    where cast({{ coluna }} as date) in (
        select distinct cast({{ coluna }} as date) from {{ relation }}
        where ingested_at > (
            select coalesce(max(ingested_at), cast('1900-01-01' as timestamp)) from {{ this }}
        )
    )
    {%- endif -%}
{%- endmacro %}

{#- A history kept one reference date at a time (the segments' daily counts): a run replaces its
    own date's rows and keeps the others. A full refresh leaves it alone (full_refresh=false),
    since the past dates cannot be computed again from today's settings; so a new column is
    added to it (append_new_columns), empty on the past rows. -#}
{% macro config_historico_por_data_referencia() -%}
    {%- if target.type == 'spark' -%}
        {{ config(materialized='incremental', incremental_strategy='insert_overwrite',
                  partition_by=['data_referencia'], file_format='parquet',
                  on_schema_change='append_new_columns', full_refresh=false) }}
    {%- else -%}
        {{ config(materialized='incremental', incremental_strategy='delete+insert',
                  unique_key='data_referencia', on_schema_change='append_new_columns', full_refresh=false) }}
    {%- endif -%}
{%- endmacro %}

{#- Survey protocols are partitioned by dispatch month (mes_envio): a run replaces whole months,
    delete+insert on DuckDB, insert_overwrite on Spark. -#}
{% macro config_por_mes_envio() -%}
    {%- if target.type == 'spark' -%}
        {{ config(materialized='incremental', incremental_strategy='insert_overwrite',
                  partition_by=['mes_envio'], file_format='parquet', on_schema_change='fail') }}
    {%- else -%}
        {{ config(materialized='incremental', incremental_strategy='delete+insert',
                  unique_key='mes_envio', on_schema_change='fail') }}
    {%- endif -%}
{%- endmacro %}

{#- The first day of a month given as dbt var `nome` (YYYY-MM), or `padrao` (SQL) when unset. -#}
{% macro mes_da_var(nome, padrao) -%}
    {%- set mes = var(nome, '') -%}
    {%- if mes -%}
        {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', mes | string) -%}
            {{ exceptions.raise_compiler_error(nome ~ " must be YYYY-MM, got " ~ mes) }}
        {%- endif -%}
        cast('{{ mes }}-01' as date)
    {%- else -%}
        {{ padrao }}
    {%- endif -%}
{%- endmacro %}
