{#- Months as integers (year * 12 + month - 1), so that "N months after" is a sum and month
    granularity is exact on both engines (DESIGN.md, "Alçadas"). -#}
{% macro indice_mes(day) -%}
    (year({{ day }}) * 12 + month({{ day }}) - 1)
{%- endmacro %}

{#- The first day of a month index. -#}
{% macro mes_do_indice(index) -%}
    make_date(
        cast({{ alicerce.div_inteira(index, 12) }} as int),
        cast({{ index }} - 12 * {{ alicerce.div_inteira(index, 12) }} + 1 as int),
        1
    )
{%- endmacro %}

{#- A month index as 'YYYY-MM'. -#}
{% macro texto_do_indice(index) -%}
    concat(
        cast({{ alicerce.div_inteira(index, 12) }} as string),
        '-',
        lpad(cast({{ index }} - 12 * {{ alicerce.div_inteira(index, 12) }} + 1 as string), 2, '0')
    )
{%- endmacro %}

{#- Money in integer centavos (exact: DECIMAL(18,2) times 100), and back. -#}
{% macro centavos(amount) -%}
    cast({{ amount }} * 100 as bigint)
{%- endmacro %}

{% macro reais(amount_cents) -%}
    cast(cast({{ amount_cents }} as decimal(18, 2)) * 0.01 as decimal(18, 2))
{%- endmacro %}
