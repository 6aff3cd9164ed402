{#- Serasa's normalised documents (docs/serasa.md; ../shared/reference/serasa.md §2): where each
    kind of negative annotation lives, the keys known at each level, and the listed items. Every
    JSON access goes through the dispatched macros of portable.sql. -#}

{#- The kinds of negative annotation (`tipo` in the marts) and their JSON blocks. -#}
{% macro serasa_tipos_anotacao() -%}
    {{ return([
        {'tipo': 'pefin', 'bloco': 'pefin', 'lista': 'pefinResponse'},
        {'tipo': 'refin', 'bloco': 'refin', 'lista': 'refinResponse'},
        {'tipo': 'dividas_vencidas', 'bloco': 'collectionRecords', 'lista': 'collectionRecordsResponse'},
        {'tipo': 'protestos', 'bloco': 'notary', 'lista': 'notaryResponse'},
        {'tipo': 'cheques', 'bloco': 'check', 'lista': 'checkResponse'},
    ]) }}
{%- endmacro %}

{#- The keys known at each level checked for unknown fields (reference §2.2-2.4; docs/serasa.md
    for the legacy parser's extras, known only in legacy documents). -#}
{% macro serasa_campos_conhecidos() -%}
    {{ return([
        {'caminho': '$',
         'campos': ['reports', 'optionalFeatures'],
         'legado': ['legacy']},
        {'caminho': '$.reports[0]',
         'campos': ['reportName', 'registration', 'identificationReport', 'negativeData', 'score',
                    'facts', 'negativeSummary', 'partner', 'director', 'attributes',
                    'checkFilingsHistorical'],
         'legado': ['legacyScores', 'internalPendencies']},
        {'caminho': '$.reports[0].registration',
         'campos': ['documentNumber', 'consumerName', 'motherName', 'consumerGender',
                    'consumerGenderDescription', 'birthDate', 'statusRegistration',
                    'statusRegistrationCode', 'statusDate', 'corporateCompanyDocumentNumber',
                    'address', 'addresses', 'phone', 'phones', 'companyDocument', 'companyName',
                    'foundationDate'],
         'legado': []},
        {'caminho': '$.reports[0].negativeData',
         'campos': ['pefin', 'refin', 'notary', 'check', 'collectionRecords'],
         'legado': []},
        {'caminho': '$.reports[0].score',
         'campos': ['score', 'scoreModel', 'range', 'defaultRate', 'codeMessage', 'message',
                    'billing'],
         'legado': []},
    ]) }}
{%- endmacro %}

{#- A list of names as SQL string literals: 'a', 'b'. -#}
{% macro serasa_literais(nomes) -%}
    {%- for nome in nomes %}'{{ nome }}'{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endmacro %}

{#- One row per item listed in a negative-annotation block of the calls in `relation` (a CTE with
    id_consulta and documento_normalizado): id_consulta, tipo, posicao (1 = first as listed),
    item (the item as JSON text). -#}
{% macro serasa_itens_anotacao(relation) -%}
    {%- for t in alicerce.serasa_tipos_anotacao() %}
    select
        id_consulta,
        '{{ t.tipo }}' as tipo,
        cast(posicao_0 + 1 as int) as posicao,
        item
    from (
        select
            id_consulta,
            {{ alicerce.json_array_elements(
                'documento_normalizado',
                '$.reports[0].negativeData.' ~ t.bloco ~ '.' ~ t.lista,
                'item', 'posicao_0') }}
        from {{ relation }}
    ) as itens_{{ t.tipo }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- A JSON boolean at a path ('true'/'false'; legacy 'S'/'N'), NULL when missing or other. -#}
{% macro serasa_booleano(json_value, path) -%}
    case upper({{ alicerce.json_text(json_value, path) }})
        when 'TRUE' then true
        when 'S' then true
        when 'FALSE' then false
        when 'N' then false
    end
{%- endmacro %}

{#- A JSON date ('YYYY-MM-DD', also 'YYYY-MM-DDT00:00:00' as resellers wrap it), NULL when
    unreadable. -#}
{% macro serasa_data(json_value, path) -%}
    {{ alicerce.try_cast('substring(' ~ alicerce.json_text(json_value, path) ~ ', 1, 10)', 'date') }}
{%- endmacro %}

{#- A JSON amount (a number, reais) as DECIMAL(18,2), NULL when unreadable. -#}
{% macro serasa_valor(json_value, path) -%}
    {{ alicerce.try_cast(alicerce.json_text(json_value, path), 'decimal(18, 2)') }}
{%- endmacro %}
