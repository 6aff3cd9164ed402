{#- The units of a ticket: `atendimentos.idunidade` is a comma-separated list ("4, 5, 29").
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
        {{ alicerce.crm_explodir_lista('idunidade', 'idunidade') }}
    from atendimentos
    where idunidade is not null
),

parsed as (
    select
        idatendimento,
        referencia,
        referencia_data_utc,
        content_hash,
        cast(posicao + 1 as int) as posicao,
        {{ alicerce.crm_campo('idunidade_texto', 'inteiro', 'idunidade') }},
        data_carga
    from elementos
    where {{ alicerce.crm_texto('idunidade_texto') }} is not null
)

select * from parsed
