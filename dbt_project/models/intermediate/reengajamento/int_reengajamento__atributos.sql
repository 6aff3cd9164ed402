{#- The person attributes the re-engagement segments may use (docs/sources.md, "Re-engagement
    segments"), one row per (person, attribute) that has a value: an absent value has no row, so
    no condition holds on it. Read from the marts whose figures the segments must agree with
    (the campaign status as of the reference date); only int_reengajamento__pessoas have them. The attributes that look at a period are in
    int_reengajamento__atributos_periodo. -#}
{{ config(materialized='table', file_format='parquet') }}

with

pessoas as (
    select idpessoa, classificacao from {{ ref('int_reengajamento__pessoas') }}
),

status as (
    select
        status.*,
        {{ alicerce.days_between(
            'coalesce(status.ultimo_login, status.data_cadastro)', 'status.data_referencia') }}
            as dias_sem_login
    from {{ ref('atualizacao_cadastral_status') }} as status
    inner join pessoas on status.idpessoa = pessoas.idpessoa
),

atributos as (
    {%- for atributo in ['recusas_desde_devida', 'logins_desde_devida', 'dias_em_atraso', 'dias_sem_login'] %}
    select
        idpessoa,
        '{{ atributo }}' as atributo,
        cast({{ atributo }} as decimal(18, 4)) as numero,
        cast(null as boolean) as booleano,
        cast(null as {{ dbt.type_string() }}) as texto
    from status
    where {{ atributo }} is not null
    union all
    {%- endfor %}
    {%- for atributo in ['devida', 'sem_login_desde_ativacao'] %}
    select
        idpessoa,
        '{{ atributo }}' as atributo,
        cast(null as decimal(18, 4)) as numero,
        {{ atributo }} as booleano,
        cast(null as {{ dbt.type_string() }}) as texto
    from status
    where {{ atributo }} is not null
    union all
    {%- endfor %}
    select
        idpessoa,
        'classificacao' as atributo,
        cast(null as decimal(18, 4)) as numero,
        cast(null as boolean) as booleano,
        {{ alicerce.colapsar_espacos('classificacao') }} as texto
    from pessoas
    where nullif({{ alicerce.colapsar_espacos('classificacao') }}, '') is not null
)

select * from atributos
