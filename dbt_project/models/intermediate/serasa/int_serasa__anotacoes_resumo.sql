{#- One row per call and kind of negative annotation whose block the document carries
    (docs/serasa.md; DESIGN.md, "Serasa": the subset both formats agree on).
    - quantidade: summary.count when present (the lists are truncated), else the list's length;
    - valor_total: summary.balance when present, else the sum of the listed amounts when the list
      is complete (count equals listed, every item with an amount), else NULL. Cheques: always
      NULL, as legacy N270 carries no total (kept NULL for JSON too so that the formats agree). -#}
with

consultas as (
    select id_consulta, documento_normalizado
    from {{ ref('int_serasa__consultas') }}
    where documento_normalizado is not null
),

itens as (
    {{ alicerce.serasa_itens_anotacao('consultas') }}
),

somas as (
    select
        id_consulta,
        tipo,
        sum({{ alicerce.serasa_valor('item', '$.amount') }}) as soma_listada,
        count(*) - count({{ alicerce.serasa_valor('item', '$.amount') }}) as itens_sem_valor
    from itens
    group by id_consulta, tipo
),

blocos as (
    {%- for t in alicerce.serasa_tipos_anotacao() %}
    {%- set bloco = '$.reports[0].negativeData.' ~ t.bloco %}
    select
        id_consulta,
        '{{ t.tipo }}' as tipo,
        {{ alicerce.try_cast(alicerce.json_text('documento_normalizado', bloco ~ '.summary.count'), 'int') }}
            as quantidade_resumo,
        {{ alicerce.serasa_valor('documento_normalizado', bloco ~ '.summary.balance') }} as saldo_resumo,
        coalesce({{ alicerce.json_array_size('documento_normalizado', bloco ~ '.' ~ t.lista) }}, 0)
            as quantidade_listada
    from consultas
    where {{ alicerce.json_text('documento_normalizado', bloco) }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

resumo as (
    select
        blocos.id_consulta,
        blocos.tipo,
        coalesce(blocos.quantidade_resumo, blocos.quantidade_listada) as quantidade,
        case when blocos.quantidade_resumo is not null then 'resumo' else 'lista' end
            as fonte_quantidade,
        blocos.quantidade_listada,
        case
            when blocos.tipo = 'cheques' then null
            when blocos.saldo_resumo is not null then blocos.saldo_resumo
            when coalesce(blocos.quantidade_resumo, blocos.quantidade_listada) = blocos.quantidade_listada
                and coalesce(somas.itens_sem_valor, 0) = 0
                then coalesce(somas.soma_listada, cast(0 as decimal(18, 2)))
        end as valor_total
    from blocos
    left join somas on somas.id_consulta = blocos.id_consulta and somas.tipo = blocos.tipo
)

select
    id_consulta,
    tipo,
    quantidade,
    fonte_quantidade,
    quantidade_listada,
    cast(valor_total as decimal(18, 2)) as valor_total
from resumo
