{#- Registration fields: the address line and the normalisation used to detect a change
    (DESIGN.md, "Registration changes"). Values are shown as received; only comparisons use these. -#}

{#- One line: logradouro, numero, complemento, bairro, cidade/UF; empty parts left out. -#}
{% macro compor_endereco(logradouro, numero, complemento, bairro, cidade, uf) -%}
    nullif(concat_ws(', ',
        nullif(trim({{ logradouro }}), ''),
        nullif(trim({{ numero }}), ''),
        nullif(trim({{ complemento }}), ''),
        nullif(trim({{ bairro }}), ''),
        nullif(concat_ws('/', nullif(trim({{ cidade }}), ''), nullif(trim({{ uf }}), '')), '')
    ), '')
{%- endmacro %}

{% macro colapsar_espacos(value) -%}
    trim({{ alicerce.regex_replace_all(value, '[ \t\r\n]+', ' ') }})
{%- endmacro %}

{% macro somente_digitos(value) -%}
    {{ alicerce.regex_replace_all(value, '[^0-9]', '') }}
{%- endmacro %}

{#- Income as a number: '5000.00', '5.000,00', 'R$ 5.000,00' and 5000 read alike. -#}
{% macro renda_como_numero(value) -%}
    {%- set cleaned = alicerce.regex_replace_all(value, '[^0-9,.-]', '') -%}
    {{ alicerce.try_cast(
        "nullif(case when " ~ cleaned ~ " like '%,%' then replace(replace(" ~ cleaned ~ ", '.', ''), ',', '.') else " ~ cleaned ~ " end, '')",
        "decimal(18, 2)"
    ) }}
{%- endmacro %}

{#- The comparable form of a tracked field's value; NULL means "not informed". -#}
{% macro normalizar_valor(campo, value) -%}
    {%- set digits = alicerce.somente_digitos(value) -%}
    nullif(case {{ campo }}
        when 'email' then lower({{ alicerce.colapsar_espacos(value) }})
        when 'celular' then
            case
                when length({{ digits }}) in (12, 13) and substr({{ digits }}, 1, 2) = '55'
                    then substr({{ digits }}, 3)
                else {{ digits }}
            end
        when 'cep' then {{ digits }}
        when 'rg' then upper({{ alicerce.regex_replace_all(value, '[^0-9A-Za-z]', '') }})
        when 'renda_familiar' then
            cast(nullif({{ alicerce.renda_como_numero(value) }}, 0) as {{ dbt.type_string() }})
        else {{ alicerce.colapsar_espacos(value) }}
    end, '')
{%- endmacro %}
