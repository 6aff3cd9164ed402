with

 __dbt__cte__stg_portal__eventos as (

-- Fixture for stg_portal__eventos
select cast('e1' as string)
 as `event_id`, cast('update_completed' as string)
 as `event_type`, cast(7 as bigint)
 as `idpessoa`, cast('2026-11-10 12:00:00' as timestamp_ntz)
 as `occurred_at_utc`, cast(null as string) as `channel`, cast('[{"campo":"endereco","valor_anterior":{"logradouro":"Rua da Aurora","numero":"120","complemento":"","bairro":"Boa Vista","cidade":"Recife","uf":"PE"},"valor_novo":{"logradouro":" Av. Boa Viagem ","numero":"4500","complemento":null,"bairro":"Boa Viagem","cidade":"Recife","uf":null}},{"campo":"renda_familiar","valor_anterior":5000,"valor_novo":null}]' as string)
 as `changes`, cast(null as date) as `data_carga`, cast(null as string) as `source_file`, cast(null as bigint) as `line_no`
union all
select cast('e2' as string)
 as `event_id`, cast('login' as string)
 as `event_type`, cast(7 as bigint)
 as `idpessoa`, cast('2026-11-10 12:00:00' as timestamp_ntz)
 as `occurred_at_utc`, cast(null as string) as `channel`, cast(null as string)
 as `changes`, cast(null as date) as `data_carga`, cast(null as string) as `source_file`, cast(null as bigint) as `line_no`
), eventos as (
    select * from __dbt__cte__stg_portal__eventos
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