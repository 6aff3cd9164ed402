{#- The leads of a reservation: `reservas.idlead` is a comma-separated list ("168523,4322").
    One row per element of each version's list; empty elements ("1,,2") are left out, an element
    that is not an integer is NULL with its flag. `posicao` is the element's place in the list as
    written (1 = first). Join to the object's versions or current state on (referencia,
    referencia_data_utc). -#}
with

reservas as (
    select * from {{ ref('stg_crm__reservas') }}
),

elementos as (
    select
        idreserva,
        referencia,
        referencia_data_utc,
        content_hash,
        data_carga,
        {{ alicerce.crm_explodir_lista('idlead', 'idlead') }}
    from reservas
    where idlead is not null
),

parsed as (
    select
        idreserva,
        referencia,
        referencia_data_utc,
        content_hash,
        cast(posicao + 1 as int) as posicao,
        {{ alicerce.crm_campo('idlead_texto', 'inteiro', 'idlead') }},
        data_carga
    from elementos
    where {{ alicerce.crm_texto('idlead_texto') }} is not null
)

select * from parsed
