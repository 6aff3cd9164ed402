{#- One row per call and score the document carries: 'json' (reports[0].score) and, for legacy,
    'legado_n500' / 'legado_f900' (reports[0].legacyScores by source; the first of a source when
    repeated; other sources are left out). A score is calculated when it has points (and, in
    legacy, its flag does not say otherwise); `score` is NULL when it is not.
    score_da_consulta marks the call's score by the summary rule: the JSON score; in legacy N500
    when calculated, else F900_REHM (else the uncalculated N500). -#}
with

consultas as (
    select id_consulta, documento_normalizado
    from {{ ref('int_serasa__consultas') }}
    where documento_normalizado is not null
),

json_score as (
    select
        id_consulta,
        'json' as fonte,
        {{ alicerce.json_text('documento_normalizado', '$.reports[0].score') }} as objeto
    from consultas
    where {{ alicerce.json_text('documento_normalizado', '$.reports[0].score') }} is not null
),

legado_itens as (
    select
        id_consulta,
        {{ alicerce.json_array_elements('documento_normalizado', '$.reports[0].legacyScores', 'objeto', 'posicao') }}
    from consultas
),

legado as (
    select
        id_consulta,
        case {{ alicerce.json_text('objeto', '$.source') }}
            when 'N500' then 'legado_n500'
            when 'F900_REHM' then 'legado_f900'
        end as fonte,
        objeto,
        posicao
    from legado_itens
),

legado_primeiro as (
    select
        id_consulta,
        fonte,
        objeto,
        row_number() over (partition by id_consulta, fonte order by posicao) as ordem_fonte
    from legado
    where fonte is not null
),

scores as (
    select id_consulta, fonte, objeto from json_score
    union all
    select id_consulta, fonte, objeto from legado_primeiro where ordem_fonte = 1
),

campos as (
    select
        id_consulta,
        fonte,
        {{ alicerce.try_cast(alicerce.json_text('objeto', '$.score'), 'int') }} as pontos,
        {{ alicerce.serasa_booleano('objeto', '$.calculated') }} as calculado_indicado,
        {{ alicerce.json_text('objeto', '$.range') }} as faixa,
        {{ alicerce.json_text('objeto', '$.scoreModel') }} as modelo,
        {{ alicerce.json_text('objeto', '$.defaultRate') }} as taxa_inadimplencia_texto,
        {{ alicerce.try_cast(alicerce.json_text('objeto', '$.codeMessage'), 'int') }} as codigo_mensagem,
        {{ alicerce.json_text('objeto', '$.message') }} as mensagem,
        {{ alicerce.serasa_booleano('objeto', '$.billing') }} as cobranca
    from scores
),

calculados as (
    select
        *,
        pontos is not null and coalesce(calculado_indicado, true) as calculado
    from campos
),

prioridades as (
    select
        *,
        row_number() over (
            partition by id_consulta
            order by case
                when fonte = 'json' then 1
                when fonte = 'legado_n500' and calculado then 2
                when fonte = 'legado_f900' then 3
                else 4
            end
        ) as prioridade
    from calculados
)

select
    id_consulta,
    fonte,
    case when calculado then pontos end as score,
    faixa,
    modelo,
    taxa_inadimplencia_texto,
    calculado,
    codigo_mensagem,
    mensagem,
    cobranca,
    prioridade = 1 as score_da_consulta
from prioridades
