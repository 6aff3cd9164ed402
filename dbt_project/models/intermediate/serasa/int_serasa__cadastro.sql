{#- One row per call whose document carries registration data: the identity both formats agree
    on. PF reads registration.{documentNumber, consumerName, birthDate}; PJ basic
    registration.{companyDocument, companyName, foundationDate}; PJ advanced
    identificationReport.{documentNumber, companyName}. -#}
with

consultas as (
    select id_consulta, documento_normalizado
    from {{ ref('int_serasa__consultas') }}
    where documento_normalizado is not null
),

campos as (
    select
        id_consulta,
        coalesce(
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration.documentNumber') }},
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration.companyDocument') }},
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].identificationReport.documentNumber') }}
        ) as documento,
        coalesce(
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration.consumerName') }},
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration.companyName') }},
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].identificationReport.companyName') }}
        ) as nome,
        coalesce(
            {{ alicerce.serasa_data('documento_normalizado', '$.reports[0].registration.birthDate') }},
            {{ alicerce.serasa_data('documento_normalizado', '$.reports[0].registration.foundationDate') }}
        ) as data_nascimento,
        coalesce(
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration.statusRegistration') }},
            {{ alicerce.json_text('documento_normalizado', '$.reports[0].identificationReport.statusRegistration') }}
        ) as situacao,
        {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration.motherName') }} as nome_mae
    from consultas
    where {{ alicerce.json_text('documento_normalizado', '$.reports[0].registration') }} is not null
        or {{ alicerce.json_text('documento_normalizado', '$.reports[0].identificationReport') }} is not null
)

select * from campos
