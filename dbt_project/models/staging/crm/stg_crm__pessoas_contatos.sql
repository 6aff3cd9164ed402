{#- Every version of a CRM person's contact (CVDW `pessoas/contatos`, one row per contact), parsed
    as in macros/crm.sql (referencia_data to UTC, `ativo` as a boolean); the contact number is read
    from the composite referencia "<idpessoa>_<n>". An unreadable value is NULL with its
    `_invalido` flag. email, telefone and celular are kept as received: the change report shows
    them so, and compares them normalised. Incremental by load date (macros/incremental.sql). -#}
{{ alicerce.config_incremental_por_carga() }}

{%- set numero_texto = "nullif(regexp_extract(referencia, '^[0-9]+_([0-9]+)$', 1), '')" %}

with

source as (
    select * from {{ source('crm', 'pessoas_contatos') }}
    {{ alicerce.onde_cargas_novas(source('crm', 'pessoas_contatos'), 'dt') }}
),

parsed as (
    select
        idpessoa,
        {{ alicerce.crm_versao() }},
        {{ alicerce.try_cast(numero_texto, 'bigint') }} as numero_contato,
        {{ alicerce.try_cast(numero_texto, 'bigint') }} is null as numero_contato_invalido,
        email,
        telefone,
        celular,
        {{ alicerce.crm_linhagem() }}
    from source
    where idpessoa is not null
)

select * from parsed
