{#- Parsing the CRM's text fields (CVDW, ../shared/reference/cvcrm.md section 1). Every raw field is
    text; staging turns it into its type. The rule (DESIGN.md): an empty or blank value is NULL with
    no flag; a value with text that cannot be read ('0000-00-00', "a combinar" in a number) is NULL
    and its flag `<campo>_invalido` is true. The accepted forms are checked by one regular
    expression before any cast, so both engines accept exactly the same text. -#}

{#- Text trimmed; empty or blank is NULL. -#}
{% macro crm_texto(value) -%}
    nullif(trim({{ value }}), '')
{%- endmacro %}

{#- True when the whole text matches the pattern (RE2 on DuckDB, Java regex on Spark: keep the
    pattern to their common subset, no backslashes). -#}
{% macro regex_casa(value, pattern) -%}
    {{ return(adapter.dispatch('regex_casa', 'alicerce')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_casa(value, pattern) -%}
    regexp_matches({{ value }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_casa(value, pattern) -%}
    ({{ value }} rlike '{{ pattern }}')
{%- endmacro %}

{#- An integer (ids, counts): optional minus sign and digits only ('1.5' is not an integer). -#}
{% macro crm_para_inteiro(value, type='bigint') -%}
    {%- set texto = alicerce.crm_texto(value) -%}
    case when {{ alicerce.regex_casa(texto, '^-?[0-9]+$') }}
        then {{ alicerce.try_cast(texto, type) }}
    end
{%- endmacro %}

{#- A number with a US decimal point ("5000.00", "4181.82", "150"): DECIMAL(18,2), rounded half up
    past two decimals. Never read as pt-BR: "5.000,00" or "1,5" is not a number here (flagged). -#}
{% macro crm_para_decimal(value) -%}
    {%- set texto = alicerce.crm_texto(value) -%}
    case when {{ alicerce.regex_casa(texto, '^-?[0-9]+([.][0-9]+)?$') }}
        then {{ alicerce.try_cast(texto, 'decimal(18, 2)') }}
    end
{%- endmacro %}

{#- A timestamp without offset (São Paulo wall clock) from 'YYYY-MM-DD HH:MM:SS', 'YYYY-MM-DD',
    'DD/MM/YYYY' or 'DD/MM/YYYY HH:MM:SS' (day, month and hour may have one digit; the year four,
    1000-2999). Extends parse_crm_timestamp: the shape is checked first, so '26-11-27' is refused
    on both engines; impossible dates ('0000-00-00', '2026-02-30') are NULL. -#}
{% macro crm_para_timestamp(value) -%}
    {%- set texto = alicerce.crm_texto(value) -%}
    {%- set data = '([12][0-9]{3}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}/[0-9]{1,2}/[12][0-9]{3})' -%}
    {%- set hora = '( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})?' -%}
    case when {{ alicerce.regex_casa(texto, '^' ~ data ~ hora ~ '$') }}
        then {{ alicerce.crm_ler_timestamp(texto) }}
    end
{%- endmacro %}

{#- Text already in one of those shapes to a timestamp; NULL for an impossible date. -#}
{% macro crm_ler_timestamp(texto) -%}
    {{ return(adapter.dispatch('crm_ler_timestamp', 'alicerce')(texto)) }}
{%- endmacro %}

{% macro default__crm_ler_timestamp(texto) -%}
    try_strptime({{ texto }}, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y'])
{%- endmacro %}

{% macro spark__crm_ler_timestamp(texto) -%}
    coalesce(
        try_to_timestamp({{ texto }}, 'yyyy-M-d H:m:s'),
        try_to_timestamp({{ texto }}, 'yyyy-M-d'),
        try_to_timestamp({{ texto }}, 'd/M/yyyy H:m:s'),
        try_to_timestamp({{ texto }}, 'd/M/yyyy')
    )
{%- endmacro %}

{#- A calendar date (due dates, sale and keys dates): the date as written, no time zone. -#}
{% macro crm_para_data(value) -%}
    cast({{ alicerce.crm_para_timestamp(value) }} as date)
{%- endmacro %}

{#- A yes/no flag: 'S'/'Sim' true, 'N'/'Não'/'Nao' false, any case, surrounding spaces ignored. -#}
{% macro crm_para_booleano(value) -%}
    {%- set texto = 'upper(' ~ alicerce.crm_texto(value) ~ ')' -%}
    case
        when {{ texto }} in ('S', 'SIM') then true
        when {{ texto }} in ('N', 'NAO', 'NÃO') then false
    end
{%- endmacro %}

{#- A CPF (11 digits) or CNPJ (14 digits), punctuation removed; any other digit count (a CPF that
    lost its leading zero, "não informado") is unreadable. -#}
{% macro crm_para_documento(value) -%}
    {%- set digitos = alicerce.somente_digitos(value) -%}
    case when length({{ digitos }}) in (11, 14) then {{ digitos }} end
{%- endmacro %}

{#- A parsed column and its flag, side by side, for a select list:
        <parsed> as <nome>, <had text and failed> as <nome>_invalido
    tipo: inteiro (bigint: ids), contagem (int: quantities), decimal, data, instante (a moment:
    São Paulo wall clock to UTC, named <campo>_utc), sim_nao, documento. nome defaults to the
    field's name (snake_case it when the source's is not: dataInicio -> data_inicio). -#}
{% macro crm_campo(campo, tipo, nome=none) -%}
    {%- set nome = nome or campo -%}
    {%- if tipo == 'inteiro' -%}
        {%- set valor = alicerce.crm_para_inteiro(campo) -%}
    {%- elif tipo == 'contagem' -%}
        {%- set valor = alicerce.crm_para_inteiro(campo, 'int') -%}
    {%- elif tipo == 'decimal' -%}
        {%- set valor = alicerce.crm_para_decimal(campo) -%}
    {%- elif tipo == 'data' -%}
        {%- set valor = alicerce.crm_para_data(campo) -%}
    {%- elif tipo == 'instante' -%}
        {%- set valor = alicerce.crm_para_timestamp(campo) -%}
    {%- elif tipo == 'sim_nao' -%}
        {%- set valor = alicerce.crm_para_booleano(campo) -%}
    {%- elif tipo == 'documento' -%}
        {%- set valor = alicerce.crm_para_documento(campo) -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("crm_campo: unknown tipo '" ~ tipo ~ "' for " ~ campo) }}
    {%- endif -%}
    {%- if tipo == 'instante' -%}
        {%- set saida, coluna = alicerce.sao_paulo_naive_to_utc(valor), nome ~ '_utc' -%}
    {%- else -%}
        {%- set saida, coluna = valor, nome -%}
    {%- endif -%}
    {{ saida }} as {{ coluna }},
    {{ alicerce.crm_texto(campo) }} is not null and {{ valor }} is null as {{ nome }}_invalido
{%- endmacro %}

{#- The version key and soft delete every CVDW object has (referencia, referencia_data, ativo). -#}
{% macro crm_versao() -%}
    {{ alicerce.crm_texto('referencia') }} as referencia,
    {{ alicerce.crm_campo('referencia_data', 'instante') }},
    {{ alicerce.crm_campo('ativo', 'sim_nao') }},
    coalesce({{ alicerce.crm_para_booleano('ativo') }} = false, false) as excluido
{%- endmacro %}

{#- Lineage, with the load date last (the partition column on Spark). -#}
{% macro crm_linhagem() -%}
    content_hash,
    source_file,
    line_no,
    ingested_at,
    cast(dt as date) as data_carga
{%- endmacro %}

{#- One row per element of a comma-separated list held as text ("4, 5, 29"), for a select list:
        <element, untrimmed> as <nome>_texto, <0-based position> as posicao
    A NULL list gives no row. -#}
{% macro crm_explodir_lista(value, nome) -%}
    {{ return(adapter.dispatch('crm_explodir_lista', 'alicerce')(value, nome)) }}
{%- endmacro %}

{% macro default__crm_explodir_lista(value, nome) -%}
    unnest(string_split({{ value }}, ',')) as {{ nome }}_texto,
    generate_subscripts(string_split({{ value }}, ','), 1) - 1 as posicao
{%- endmacro %}

{% macro spark__crm_explodir_lista(value, nome) -%}
    posexplode(split({{ value }}, ',')) as (posicao, {{ nome }}_texto)
{%- endmacro %}

{#- The latest version per key (by referencia_data, then load): a select over `relation` (a CTE
    or a relation) with its columns and versao_desc (always 1). -#}
{% macro ultima_versao(relation, partition_by='referencia') -%}
    select * from (
        select
            *,
            row_number() over (
                partition by {{ partition_by }}
                order by referencia_data_utc desc nulls last, ingested_at desc nulls last
            ) as versao_desc
        from {{ relation }}
    ) as versoes
    where versao_desc = 1
{%- endmacro %}

{#- Generic test: fails with one failure per row when the model has any row (for models that
    list problems, such as campos_invalidos). -#}
{% test sem_linhas(model) %}
    select * from {{ model }}
{% endtest %}

{#- The current rows of a CRM object (`relation`, one row per referencia, with ingested_at)
    with `removido_no_crm`: true when the object's latest complete sweep, which started after
    the row's latest version was loaded, did not list it (the CRM has no delete feed). -#}
{% macro marcar_removidos(relation, tabela) -%}
    select
        atual.*,
        coalesce(
            ultima.iniciada_em > atual.ingested_at and vista.referencia is null, false
        ) as removido_no_crm
    from {{ relation }} as atual
    left join (
        select pull_id, iniciada_em
        from (
            select
                pull_id,
                iniciada_em,
                row_number() over (order by iniciada_em desc, pull_id desc) as recencia
            from (
                select distinct pull_id, iniciada_em
                from {{ ref('stg_crm__varreduras') }}
                where tabela = '{{ tabela }}'
            ) as varreduras
        ) as ordenadas
        where recencia = 1
    ) as ultima on true
    left join {{ ref('stg_crm__varreduras') }} as vista
        on vista.pull_id = ultima.pull_id and vista.referencia = atual.referencia
{%- endmacro %}

{#- The body of a list model: one row per element of `lista` (a comma-separated id list held
    as text) in each version of `versoes` (a staging model), keyed like the version, with the
    element as an integer `elemento` (NULL plus `<elemento>_invalido` when not one) and its
    1-based `posicao`. Empty elements ("1,,2") are left out. -#}
{% macro crm_lista_de_ids(versoes, id_objeto, lista, elemento) -%}
with

versoes as (
    select * from {{ versoes }}
),

elementos as (
    select
        {{ id_objeto }},
        referencia,
        referencia_data_utc,
        content_hash,
        data_carga,
        {{ alicerce.crm_explodir_lista(lista, elemento) }}
    from versoes
    where {{ lista }} is not null
),

parsed as (
    select
        {{ id_objeto }},
        referencia,
        referencia_data_utc,
        content_hash,
        cast(posicao + 1 as int) as posicao,
        {{ alicerce.crm_campo(elemento ~ '_texto', 'inteiro', elemento) }},
        data_carga
    from elementos
    where {{ alicerce.crm_texto(elemento ~ '_texto') }} is not null
)

select * from parsed
{%- endmacro %}
