{#- How many values staging could not parse, per source object, field and load date (DESIGN.md:
    a field that cannot be parsed becomes NULL with a flag, and a check counts the flags). Every
    boolean column of the models below named `<campo>_invalido` (or `_invalida`) is counted; the
    columns are read from each built relation (from its documented columns before the first
    build). A new staging model with flags goes in this list. -#}
{%- set modelos = [
    ('stg_crm__pessoas', 'crm/pessoas'),
    ('stg_crm__pessoas_contatos', 'crm/pessoas_contatos'),
    ('stg_crm__reservas', 'crm/reservas'),
    ('stg_crm__reservas_idlead', 'crm/reservas'),
    ('stg_crm__reservas_condicoes', 'crm/reservas_condicoes'),
    ('stg_crm__reservas_associados', 'crm/reservas_associados'),
    ('stg_crm__vendas', 'crm/vendas'),
    ('stg_crm__distratos', 'crm/distratos'),
    ('stg_crm__precadastros', 'crm/precadastros'),
    ('stg_crm__precadastros_idlead', 'crm/precadastros'),
    ('stg_crm__atendimentos', 'crm/atendimentos'),
    ('stg_crm__atendimentos_idunidade', 'crm/atendimentos'),
    ('stg_crm__atendimentos_idatendimento_vinculados', 'crm/atendimentos'),
    ('stg_crm__assistencias', 'crm/assistencias'),
    ('stg_crm__repasses', 'crm/repasses'),
    ('stg_crm__unidades', 'crm/unidades'),
    ('stg_crm__corretores', 'crm/corretores'),
    ('stg_crm__imobiliarias', 'crm/imobiliarias'),
    ('stg_crm__pesquisas', 'crm/pesquisas'),
    ('stg_crm__pesquisas_ids_perguntas', 'crm/pesquisas'),
    ('stg_crm__cessoes', 'crm/cessoes'),
] -%}
{%- set sufixos = ('_invalido', '_invalida') -%}

{#- (model, fonte, its flag columns), the models without flags left out. -#}
{%- set contados = [] -%}
{%- for modelo, fonte in modelos -%}
    {%- set relacao = ref(modelo) -%}
    {%- set flags = [] -%}
    {%- if execute -%}
        {%- set existente = adapter.get_relation(
            database=relacao.database, schema=relacao.schema, identifier=relacao.identifier) -%}
        {%- if existente is not none -%}
            {%- set nomes = adapter.get_columns_in_relation(existente) | map(attribute='name') -%}
        {%- else -%}
            {%- set nomes = graph.nodes['model.alicerce.' ~ modelo].columns.keys() -%}
        {%- endif -%}
        {%- for nome in nomes -%}
            {%- if nome.lower().endswith(sufixos) -%}
                {%- do flags.append(nome.lower()) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if flags -%}
        {%- do contados.append((modelo, fonte, flags)) -%}
    {%- endif -%}
{%- endfor %}

with

{% for modelo, fonte, flags in contados -%}
{{ modelo }} as (
    select * from {{ ref(modelo) }}
),

contagem_{{ modelo }} as (
    select
        data_carga,
        {%- for flag in flags %}
        count(case when {{ flag }} then 1 end) as {{ flag }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ modelo }}
    group by data_carga
),

{% endfor -%}
contagens as (
    {%- for modelo, fonte, flags in contados %}
        {%- set outer_loop = loop %}
        {%- for flag in flags %}
    select
        '{{ fonte }}' as fonte,
        '{{ flag[:-9] }}' as campo,
        data_carga,
        {{ flag }} as quantidade
    from contagem_{{ modelo }}
    {{ 'union all' if not (loop.last and outer_loop.last) }}
        {%- endfor %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as fonte,
        cast(null as {{ dbt.type_string() }}) as campo,
        cast(null as date) as data_carga,
        cast(null as bigint) as quantidade
    {%- endfor %}
),

final as (
    select
        fonte,
        campo,
        data_carga,
        quantidade
    from contagens
    where quantidade > 0
)

select * from final
