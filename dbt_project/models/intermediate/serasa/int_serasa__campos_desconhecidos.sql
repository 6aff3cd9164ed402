{#- One row per key a call's document carries that is not known at its level (reference §2; the
    lists are in macros/serasa.sql): the top level, reports[0], its registration, negativeData
    and score. The legacy parser's own keys (legacy, legacyScores, internalPendencies) are known
    in legacy documents only. Unknown fields are kept in the document and reported here. -#}
with

consultas as (
    select id_consulta, formato, documento_normalizado
    from {{ ref('int_serasa__consultas') }}
    where documento_normalizado is not null
),

chaves as (
    {%- for nivel in alicerce.serasa_campos_conhecidos() %}
    select
        id_consulta,
        '{{ nivel.caminho }}' as caminho,
        campo
    from (
        select
            id_consulta,
            formato,
            {{ alicerce.json_object_key_rows('documento_normalizado', nivel.caminho, 'campo') }}
        from consultas
    ) as chaves_nivel
    where campo not in ({{ alicerce.serasa_literais(nivel.campos) }})
    {%- if nivel.legado %}
        and not (formato = 'legado' and campo in ({{ alicerce.serasa_literais(nivel.legado) }}))
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select distinct id_consulta, caminho, campo from chaves
