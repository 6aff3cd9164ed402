{#- The tickets linked to a ticket: `atendimentos.idatendimento_vinculados` is a
    comma-separated list ("1254, 1548").
    One row per element of each version's list; empty elements ("1,,2") are left out, an element
    that is not an integer is NULL with its flag. `posicao` is the element's place in the list as
    written (1 = first). Join to the object's versions or current state on (referencia,
    referencia_data_utc). -#}
with

atendimentos as (
    select * from {{ ref('stg_crm__atendimentos') }}
),

elementos as (
    select
        idatendimento,
        referencia,
        referencia_data_utc,
        content_hash,
        data_carga,
        {{ alicerce.crm_explodir_lista('idatendimento_vinculados', 'idatendimento_vinculado') }}
    from atendimentos
    where idatendimento_vinculados is not null
),

parsed as (
    select
        idatendimento,
        referencia,
        referencia_data_utc,
        content_hash,
        cast(posicao + 1 as int) as posicao,
        {{ alicerce.crm_campo(
            'idatendimento_vinculado_texto', 'inteiro', 'idatendimento_vinculado') }},
        data_carga
    from elementos
    where {{ alicerce.crm_texto('idatendimento_vinculado_texto') }} is not null
)

select * from parsed
