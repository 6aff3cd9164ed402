{#- Every version of a CRM person, parsed: timestamps to UTC, CPF digits, income as a number.
    A value that cannot be parsed becomes NULL with a flag. Parsed once per load date:
    incremental, partitions replaced (macros/incremental.sql). -#}
{{ alicerce.config_incremental_por_carga() }}

with

source as (
    select * from {{ source('crm', 'pessoas') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'pessoas'), 'dt') }}
),

parsed as (
    select
        idpessoa,
        referencia,
        {{ alicerce.sao_paulo_naive_to_utc(alicerce.parse_crm_timestamp('referencia_data')) }}
            as referencia_data_utc,
        ativo,
        {{ alicerce.parse_crm_timestamp('data_cad') }} as data_cad,
        data_cad is not null and data_cad <> ''
            and {{ alicerce.parse_crm_timestamp('data_cad') }} is null as data_cad_invalida,
        ativo_login,
        situacao,
        documento_tipo,
        nullif({{ alicerce.somente_digitos('documento') }}, '') as documento,
        cpf_hash,
        nome,
        rg,
        renda_familiar,
        {{ alicerce.renda_como_numero('renda_familiar') }} as renda_familiar_valor,
        nullif(trim(renda_familiar), '') is not null
            and {{ alicerce.renda_como_numero('renda_familiar') }} is null as renda_familiar_invalida,
        cep,
        marketing_pos_venda,
        {{ alicerce.crm_para_booleano('marketing_pos_venda') }} as aceita_marketing,
        classificacao,
        {{ alicerce.compor_endereco(
            "coalesce(nullif(trim(logradouro), ''), endereco)",
            'numero', 'complemento', 'bairro', 'cidade', 'estado') }} as endereco_completo,
        content_hash,
        ingested_at,
        cast(dt as date) as data_carga
    from source
    where idpessoa is not null
)

select * from parsed
