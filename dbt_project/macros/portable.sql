{#- Engine-specific constructs, one dispatched macro each (DESIGN.md, "beyond one machine"). -#}

{#- Replace every match of a regular expression. -#}
{% macro regex_replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'alicerce')(value, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- A naive UTC timestamp as São Paulo wall-clock time (time-zone database, DST included). -#}
{% macro utc_to_sao_paulo(ts) -%}
    {{ return(adapter.dispatch('utc_to_sao_paulo', 'alicerce')(ts)) }}
{%- endmacro %}

{% macro default__utc_to_sao_paulo(ts) -%}
    (({{ ts }} at time zone 'UTC') at time zone 'America/Sao_Paulo')
{%- endmacro %}

{% macro spark__utc_to_sao_paulo(ts) -%}
    from_utc_timestamp({{ ts }}, 'America/Sao_Paulo')
{%- endmacro %}

{#- São Paulo wall-clock time (the CRM's offset-less timestamps) as naive UTC. In the hour repeated
    when daylight saving ended, the earlier instant (daylight offset) is taken, whichever of the
    two instants the engine returns: one hour before it, if that shows the same wall clock. -#}
{% macro sao_paulo_naive_to_utc(ts) -%}
    {%- set any_instant = alicerce.sao_paulo_naive_to_utc_any(ts) -%}
    case
        when {{ alicerce.utc_to_sao_paulo('(' ~ any_instant ~ ' - interval 1 hour)') }} = {{ ts }}
            then ({{ any_instant }} - interval 1 hour)
        else {{ any_instant }}
    end
{%- endmacro %}

{% macro sao_paulo_naive_to_utc_any(ts) -%}
    {{ return(adapter.dispatch('sao_paulo_naive_to_utc_any', 'alicerce')(ts)) }}
{%- endmacro %}

{% macro default__sao_paulo_naive_to_utc_any(ts) -%}
    (({{ ts }} at time zone 'America/Sao_Paulo') at time zone 'UTC')
{%- endmacro %}

{% macro spark__sao_paulo_naive_to_utc_any(ts) -%}
    to_utc_timestamp({{ ts }}, 'America/Sao_Paulo')
{%- endmacro %}

{#- Explode a JSON array held as text into one row per element (used in a select list). -#}
{% macro unnest_json_array(json_text) -%}
    {{ return(adapter.dispatch('unnest_json_array', 'alicerce')(json_text)) }}
{%- endmacro %}

{% macro default__unnest_json_array(json_text) -%}
    unnest(json_extract({{ json_text }}, '$[*]'))
{%- endmacro %}

{% macro spark__unnest_json_array(json_text) -%}
    explode(from_json({{ json_text }}, 'array<string>'))
{%- endmacro %}

{#- A JSON value at a path, as text (NULL for JSON null or a missing path). -#}
{% macro json_text(json_value, path) -%}
    {{ return(adapter.dispatch('json_text', 'alicerce')(json_value, path)) }}
{%- endmacro %}

{% macro default__json_text(json_value, path) -%}
    json_extract_string({{ json_value }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(json_value, path) -%}
    get_json_object({{ json_value }}, '{{ path }}')
{%- endmacro %}

{#- Text in the CRM's date formats ('YYYY-MM-DD HH:MM:SS', 'YYYY-MM-DD', 'DD/MM/YYYY'); NULL when
    unreadable ('0000-00-00' included). -#}
{% macro parse_crm_timestamp(value) -%}
    {{ return(adapter.dispatch('parse_crm_timestamp', 'alicerce')(value)) }}
{%- endmacro %}

{% macro default__parse_crm_timestamp(value) -%}
    coalesce(
        try_strptime({{ value }}, '%Y-%m-%d %H:%M:%S'),
        try_strptime({{ value }}, '%Y-%m-%d'),
        try_strptime({{ value }}, '%d/%m/%Y')
    )
{%- endmacro %}

{% macro spark__parse_crm_timestamp(value) -%}
    coalesce(
        try_to_timestamp({{ value }}, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp({{ value }}, 'yyyy-MM-dd'),
        try_to_timestamp({{ value }}, 'dd/MM/yyyy')
    )
{%- endmacro %}

{#- Cast that yields NULL instead of failing. -#}
{% macro try_cast(value, type) -%}
    {{ return(adapter.dispatch('try_cast', 'alicerce')(value, type)) }}
{%- endmacro %}

{% macro default__try_cast(value, type) -%}
    try_cast({{ value }} as {{ type }})
{%- endmacro %}

{#- A date `days` calendar days after `day` (days may be a column). -#}
{% macro add_days(day, days) -%}
    {{ return(adapter.dispatch('add_days', 'alicerce')(day, days)) }}
{%- endmacro %}

{% macro default__add_days(day, days) -%}
    cast({{ day }} + cast({{ days }} as integer) as date)
{%- endmacro %}

{% macro spark__add_days(day, days) -%}
    date_add({{ day }}, cast({{ days }} as int))
{%- endmacro %}

{#- Calendar days from `start` to `end` (negative when end is earlier). -#}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between', 'alicerce')(start, end)) }}
{%- endmacro %}

{% macro default__days_between(start, end) -%}
    date_diff('day', {{ start }}, {{ end }})
{%- endmacro %}

{% macro spark__days_between(start, end) -%}
    datediff({{ end }}, {{ start }})
{%- endmacro %}

{#- The first day of a date's month, as a date. -#}
{% macro month_start(day) -%}
    {{ return(adapter.dispatch('month_start', 'alicerce')(day)) }}
{%- endmacro %}

{% macro default__month_start(day) -%}
    cast(date_trunc('month', {{ day }}) as date)
{%- endmacro %}

{% macro spark__month_start(day) -%}
    trunc({{ day }}, 'MM')
{%- endmacro %}

{#- The median of a column, interpolated, as exact decimal(18, 1) (floats stay out of marts). -#}
{% macro median_decimal(value) -%}
    {{ return(adapter.dispatch('median_decimal', 'alicerce')(value)) }}
{%- endmacro %}

{% macro default__median_decimal(value) -%}
    cast(quantile_cont({{ value }}, 0.5) as decimal(18, 1))
{%- endmacro %}

{% macro spark__median_decimal(value) -%}
    cast(percentile({{ value }}, 0.5) as decimal(18, 1))
{%- endmacro %}

{#- numerator / denominator in integer basis points (1 = 0.01%), rounded half up, identical on
    both engines (DESIGN.md: percentages in marts); NULL when the denominator is 0 or NULL.
    Both arguments are non-negative integers. -#}
{% macro basis_points(numerator, denominator) -%}
    {{ return(adapter.dispatch('basis_points', 'alicerce')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__basis_points(numerator, denominator) -%}
    case when {{ denominator }} > 0
        then cast((20000 * cast({{ numerator }} as bigint) + {{ denominator }})
            // (2 * cast({{ denominator }} as bigint)) as bigint)
    end
{%- endmacro %}

{% macro spark__basis_points(numerator, denominator) -%}
    case when {{ denominator }} > 0
        then cast((20000 * cast({{ numerator }} as bigint) + {{ denominator }})
            div (2 * cast({{ denominator }} as bigint)) as bigint)
    end
{%- endmacro %}

{#- Text values of a group joined with `separator`, in the order of `order_by` (ties by value). -#}
{% macro join_text(value, order_by, separator) -%}
    {{ return(adapter.dispatch('join_text', 'alicerce')(value, order_by, separator)) }}
{%- endmacro %}

{% macro default__join_text(value, order_by, separator) -%}
    string_agg({{ value }}, {{ separator }} order by {{ order_by }}, {{ value }})
{%- endmacro %}

{% macro spark__join_text(value, order_by, separator) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('ordem', {{ order_by }}, 'valor', {{ value }}))),
            item -> item.valor
        ),
        {{ separator }}
    )
{%- endmacro %}

{#- A naive UTC timestamp `days` days (24 hours each; may be a column) later. -#}
{% macro add_days_to_timestamp(ts, days) -%}
    {{ return(adapter.dispatch('add_days_to_timestamp', 'alicerce')(ts, days)) }}
{%- endmacro %}

{% macro default__add_days_to_timestamp(ts, days) -%}
    ({{ ts }} + to_days(cast({{ days }} as integer)))
{%- endmacro %}

{% macro spark__add_days_to_timestamp(ts, days) -%}
    ({{ ts }} + make_interval(0, 0, 0, cast({{ days }} as int), 0, 0, 0))
{%- endmacro %}

{#- Integer division of non-negative integers (rounds down). -#}
{% macro div_inteira(numerator, denominator) -%}
    {{ return(adapter.dispatch('div_inteira', 'alicerce')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__div_inteira(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{% macro spark__div_inteira(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}

{#- Whether a text holds one valid JSON document (NULL for NULL). -#}
{% macro json_is_valid(json_text) -%}
    {{ return(adapter.dispatch('json_is_valid', 'alicerce')(json_text)) }}
{%- endmacro %}

{% macro default__json_is_valid(json_text) -%}
    json_valid({{ json_text }})
{%- endmacro %}

{% macro spark__json_is_valid(json_text) -%}
    case when {{ json_text }} is not null then get_json_object({{ json_text }}, '$') is not null end
{%- endmacro %}

{#- The number of elements of the JSON array at a path; NULL when the path is missing or holds
    something other than an array. -#}
{% macro json_array_size(json_value, path) -%}
    {{ return(adapter.dispatch('json_array_size', 'alicerce')(json_value, path)) }}
{%- endmacro %}

{% macro default__json_array_size(json_value, path) -%}
    case when json_type({{ json_value }}, '{{ path }}') = 'ARRAY'
        then cast(json_array_length({{ json_value }}, '{{ path }}') as int) end
{%- endmacro %}

{% macro spark__json_array_size(json_value, path) -%}
    json_array_length(get_json_object({{ json_value }}, '{{ path }}'))
{%- endmacro %}

{#- One row per element of the JSON array at a path, for a select list:
        <element as JSON text> as <element>, <0-based position> as <position>
    A missing path, or one that is not an array, gives no row. -#}
{% macro json_array_elements(json_value, path, element, position) -%}
    {{ return(adapter.dispatch('json_array_elements', 'alicerce')(json_value, path, element, position)) }}
{%- endmacro %}

{% macro default__json_array_elements(json_value, path, element, position) -%}
    cast(unnest(json_extract({{ json_value }}, '{{ path }}[*]')) as varchar) as {{ element }},
    generate_subscripts(json_extract({{ json_value }}, '{{ path }}[*]'), 1) - 1 as {{ position }}
{%- endmacro %}

{% macro spark__json_array_elements(json_value, path, element, position) -%}
    posexplode(from_json(get_json_object({{ json_value }}, '{{ path }}'), 'array<string>'))
        as ({{ position }}, {{ element }})
{%- endmacro %}

{#- One row per key of the JSON object at a path, for a select list: <key> as <name>. A missing
    path, or one that is not an object, gives no row. -#}
{% macro json_object_key_rows(json_value, path, name) -%}
    {{ return(adapter.dispatch('json_object_key_rows', 'alicerce')(json_value, path, name)) }}
{%- endmacro %}

{% macro default__json_object_key_rows(json_value, path, name) -%}
    unnest(json_keys({{ json_value }}, '{{ path }}')) as {{ name }}
{%- endmacro %}

{% macro spark__json_object_key_rows(json_value, path, name) -%}
    explode(json_object_keys(get_json_object({{ json_value }}, '{{ path }}'))) as {{ name }}
{%- endmacro %}

{#- A JSON array of strings held as text, its elements joined with `separator` in order. -#}
{% macro json_string_list_join(json_value, separator) -%}
    {{ return(adapter.dispatch('json_string_list_join', 'alicerce')(json_value, separator)) }}
{%- endmacro %}

{% macro default__json_string_list_join(json_value, separator) -%}
    array_to_string(json_extract_string({{ json_value }}, '$[*]'), {{ separator }})
{%- endmacro %}

{% macro spark__json_string_list_join(json_value, separator) -%}
    array_join(from_json({{ json_value }}, 'array<string>'), {{ separator }})
{%- endmacro %}
