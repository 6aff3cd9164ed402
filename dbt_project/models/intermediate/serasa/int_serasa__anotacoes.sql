{#- One row per negative annotation listed in a call's document (docs/serasa.md, kinds of
    annotation): the fields both formats carry. The creditor is cut to 30 characters, the legacy
    limit (trailing blanks dropped, as the legacy parser trims its fixed-width fields), and the
    contract to 16, so that JSON and legacy agree; the whole values stay in credor_completo and
    contrato_completo. -#}
with

consultas as (
    select id_consulta, documento_normalizado
    from {{ ref('int_serasa__consultas') }}
    where documento_normalizado is not null
),

itens as (
    {{ alicerce.serasa_itens_anotacao('consultas') }}
),

campos as (
    select
        id_consulta,
        tipo,
        posicao,
        {{ alicerce.serasa_data('item', '$.occurrenceDate') }} as data_ocorrencia,
        {{ alicerce.serasa_valor('item', '$.amount') }} as valor,
        {{ alicerce.json_text('item', '$.creditorName') }} as credor_completo,
        {{ alicerce.json_text('item', '$.contractId') }} as contrato_completo,
        {{ alicerce.json_text('item', '$.legalNature') }} as natureza
    from itens
)

select
    id_consulta,
    tipo,
    posicao,
    data_ocorrencia,
    valor,
    rtrim(substring(credor_completo, 1, 30)) as credor,
    credor_completo,
    rtrim(substring(contrato_completo, 1, 16)) as contrato,
    contrato_completo,
    natureza
from campos
