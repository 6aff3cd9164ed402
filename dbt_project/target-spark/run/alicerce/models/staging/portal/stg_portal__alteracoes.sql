create or replace view staging.stg_portal__alteracoes
  
  
  as
    with

eventos as (
    select * from staging.stg_portal__eventos
),

exploded as (
    select
        event_id,
        idpessoa,
        occurred_at_utc,
        explode(from_json(changes, 'array<string>')) as mudanca
    from eventos
    where event_type = 'update_completed'
),

fields as (
    select
        event_id,
        idpessoa,
        occurred_at_utc as alterado_em,
        get_json_object(mudanca, '$.campo') as campo,
        case
            when get_json_object(mudanca, '$.campo') = 'endereco'
                then nullif(concat_ws(', ',
        nullif(trim(get_json_object(mudanca, '$.valor_anterior.logradouro')), ''),
        nullif(trim(get_json_object(mudanca, '$.valor_anterior.numero')), ''),
        nullif(trim(get_json_object(mudanca, '$.valor_anterior.complemento')), ''),
        nullif(trim(get_json_object(mudanca, '$.valor_anterior.bairro')), ''),
        nullif(concat_ws('/', nullif(trim(get_json_object(mudanca, '$.valor_anterior.cidade')), ''), nullif(trim(get_json_object(mudanca, '$.valor_anterior.uf')), '')), '')
    ), '')
            else get_json_object(mudanca, '$.valor_anterior')
        end as valor_anterior,
        case
            when get_json_object(mudanca, '$.campo') = 'endereco'
                then nullif(concat_ws(', ',
        nullif(trim(get_json_object(mudanca, '$.valor_novo.logradouro')), ''),
        nullif(trim(get_json_object(mudanca, '$.valor_novo.numero')), ''),
        nullif(trim(get_json_object(mudanca, '$.valor_novo.complemento')), ''),
        nullif(trim(get_json_object(mudanca, '$.valor_novo.bairro')), ''),
        nullif(concat_ws('/', nullif(trim(get_json_object(mudanca, '$.valor_novo.cidade')), ''), nullif(trim(get_json_object(mudanca, '$.valor_novo.uf')), '')), '')
    ), '')
            else get_json_object(mudanca, '$.valor_novo')
        end as valor_novo
    from exploded
)

select * from fields
