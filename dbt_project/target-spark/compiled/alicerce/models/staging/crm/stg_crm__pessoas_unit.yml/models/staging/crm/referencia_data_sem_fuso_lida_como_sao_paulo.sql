with

 __dbt__cte__crm__pessoas as (
select cast(1 as bigint) as idpessoa, '1' as referencia, '2018-02-17 23:30:00' as referencia_data, cast(null as string) as ativo, '0000-00-00' as data_cad, cast(null as string) as ativo_login, cast(null as string) as situacao, cast(null as string) as documento_tipo, '529.982.247-25' as documento, cast(null as string) as cpf_hash, cast(null as string) as nome, cast(null as string) as rg, '5000.00' as renda_familiar, cast(null as string) as cep, '' as logradouro, 'Rua X' as endereco, '1' as numero, cast(null as string) as complemento, 'Centro' as bairro, 'Recife' as cidade, 'PE' as estado, cast('2026-11-27' as date) as dt, cast('2026-11-27 12:00:00' as timestamp) as ingested_at
union all
select cast(2 as bigint) as idpessoa, '2' as referencia, '2018-02-17 22:30:00' as referencia_data, cast(null as string) as ativo, '2017-05-02 10:00:00' as data_cad, cast(null as string) as ativo_login, cast(null as string) as situacao, cast(null as string) as documento_tipo, '' as documento, cast(null as string) as cpf_hash, cast(null as string) as nome, cast(null as string) as rg, 'abc' as renda_familiar, cast(null as string) as cep, 'Rua Y' as logradouro, 'ignored' as endereco, cast(null as string) as numero, cast(null as string) as complemento, cast(null as string) as bairro, cast(null as string) as cidade, cast(null as string) as estado, cast('2026-11-27' as date) as dt, cast('2026-11-27 12:00:00' as timestamp) as ingested_at
union all
select cast(3 as bigint) as idpessoa, '3' as referencia, '2026-07-01 10:00:00' as referencia_data, cast(null as string) as ativo, cast(null as string) as data_cad, cast(null as string) as ativo_login, cast(null as string) as situacao, cast(null as string) as documento_tipo, cast(null as string) as documento, cast(null as string) as cpf_hash, cast(null as string) as nome, cast(null as string) as rg, cast(null as string) as renda_familiar, cast(null as string) as cep, cast(null as string) as logradouro, cast(null as string) as endereco, cast(null as string) as numero, cast(null as string) as complemento, cast(null as string) as bairro, cast(null as string) as cidade, cast(null as string) as estado, cast('2026-11-27' as date) as dt, cast('2026-11-27 12:00:00' as timestamp) as ingested_at
), source as (
    select * from __dbt__cte__crm__pessoas
),

parsed as (
    select
        idpessoa,
        referencia,
        case
        when from_utc_timestamp((to_utc_timestamp(coalesce(
        try_to_timestamp(referencia_data, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(referencia_data, 'yyyy-MM-dd'),
        try_to_timestamp(referencia_data, 'dd/MM/yyyy')
    ), 'America/Sao_Paulo') - interval 1 hour), 'America/Sao_Paulo') = coalesce(
        try_to_timestamp(referencia_data, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(referencia_data, 'yyyy-MM-dd'),
        try_to_timestamp(referencia_data, 'dd/MM/yyyy')
    )
            then (to_utc_timestamp(coalesce(
        try_to_timestamp(referencia_data, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(referencia_data, 'yyyy-MM-dd'),
        try_to_timestamp(referencia_data, 'dd/MM/yyyy')
    ), 'America/Sao_Paulo') - interval 1 hour)
        else to_utc_timestamp(coalesce(
        try_to_timestamp(referencia_data, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(referencia_data, 'yyyy-MM-dd'),
        try_to_timestamp(referencia_data, 'dd/MM/yyyy')
    ), 'America/Sao_Paulo')
    end
            as referencia_data_utc,
        ativo,
        coalesce(
        try_to_timestamp(data_cad, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(data_cad, 'yyyy-MM-dd'),
        try_to_timestamp(data_cad, 'dd/MM/yyyy')
    ) as data_cad,
        data_cad is not null and data_cad <> ''
            and coalesce(
        try_to_timestamp(data_cad, 'yyyy-MM-dd HH:mm:ss'),
        try_to_timestamp(data_cad, 'yyyy-MM-dd'),
        try_to_timestamp(data_cad, 'dd/MM/yyyy')
    ) is null as data_cad_invalida,
        ativo_login,
        situacao,
        documento_tipo,
        nullif(regexp_replace(documento, '[^0-9]', ''), '') as documento,
        cpf_hash,
        nome,
        rg,
        renda_familiar,
        try_cast(nullif(case when regexp_replace(renda_familiar, '[^0-9,.-]', '') like '%,%' then replace(replace(regexp_replace(renda_familiar, '[^0-9,.-]', ''), '.', ''), ',', '.') else regexp_replace(renda_familiar, '[^0-9,.-]', '') end, '') as decimal(18, 2)) as renda_familiar_valor,
        nullif(trim(renda_familiar), '') is not null
            and try_cast(nullif(case when regexp_replace(renda_familiar, '[^0-9,.-]', '') like '%,%' then replace(replace(regexp_replace(renda_familiar, '[^0-9,.-]', ''), '.', ''), ',', '.') else regexp_replace(renda_familiar, '[^0-9,.-]', '') end, '') as decimal(18, 2)) is null as renda_familiar_invalida,
        cep,
        nullif(concat_ws(', ',
        nullif(trim(coalesce(nullif(trim(logradouro), ''), endereco)), ''),
        nullif(trim(numero), ''),
        nullif(trim(complemento), ''),
        nullif(trim(bairro), ''),
        nullif(concat_ws('/', nullif(trim(cidade), ''), nullif(trim(estado), '')), '')
    ), '') as endereco_completo,
        cast(dt as date) as data_carga,
        ingested_at
    from source
    where idpessoa is not null
)

select * from parsed