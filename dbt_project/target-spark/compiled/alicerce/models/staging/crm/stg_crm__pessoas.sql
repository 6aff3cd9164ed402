with

source as (
    select * from parquet.`/tmp/t1/lake/raw/crm/pessoas`
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