{#- One row per field changed in a completed portal update, values as received; the address parts
    are composed into one line. -#}
with

eventos as (
    select * from {{ ref('stg_portal__eventos') }}
),

exploded as (
    select
        event_id,
        idpessoa,
        occurred_at_utc,
        data_carga,
        ingested_at,
        {{ alicerce.unnest_json_array('changes') }} as mudanca
    from eventos
    where event_type = 'update_completed'
),

fields as (
    select
        event_id,
        idpessoa,
        occurred_at_utc as alterado_em,
        {{ alicerce.json_text('mudanca', '$.campo') }} as campo,
        case
            when {{ alicerce.json_text('mudanca', '$.campo') }} = 'endereco'
                then {{ alicerce.compor_endereco(
                    alicerce.json_text('mudanca', '$.valor_anterior.logradouro'),
                    alicerce.json_text('mudanca', '$.valor_anterior.numero'),
                    alicerce.json_text('mudanca', '$.valor_anterior.complemento'),
                    alicerce.json_text('mudanca', '$.valor_anterior.bairro'),
                    alicerce.json_text('mudanca', '$.valor_anterior.cidade'),
                    alicerce.json_text('mudanca', '$.valor_anterior.uf')) }}
            else {{ alicerce.json_text('mudanca', '$.valor_anterior') }}
        end as valor_anterior,
        case
            when {{ alicerce.json_text('mudanca', '$.campo') }} = 'endereco'
                then {{ alicerce.compor_endereco(
                    alicerce.json_text('mudanca', '$.valor_novo.logradouro'),
                    alicerce.json_text('mudanca', '$.valor_novo.numero'),
                    alicerce.json_text('mudanca', '$.valor_novo.complemento'),
                    alicerce.json_text('mudanca', '$.valor_novo.bairro'),
                    alicerce.json_text('mudanca', '$.valor_novo.cidade'),
                    alicerce.json_text('mudanca', '$.valor_novo.uf')) }}
            else {{ alicerce.json_text('mudanca', '$.valor_novo') }}
        end as valor_novo,
        data_carga,
        ingested_at
    from exploded
)

select * from fields
