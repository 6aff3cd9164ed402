{#- Quarantined CRM rows and pages, every object (var crm_tabelas), with their source table. -#}
with

{% for tabela in var('crm_tabelas') %}
{{ tabela }} as (
    select * from {{ source('quarentena', 'crm_' ~ tabela) }}
),

{% endfor %}
registros as (
    {% for tabela in var('crm_tabelas') %}
    select
        'crm/{{ tabela }}' as fonte,
        source_file,
        line_no,
        reason,
        content,
        cast(dt as date) as data_carga
    from {{ tabela }}
    where reason is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from registros
