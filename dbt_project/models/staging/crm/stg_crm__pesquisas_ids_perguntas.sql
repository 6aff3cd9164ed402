{#- The questions of a survey: `pesquisas.ids_perguntas` is a comma-separated list ("3,4,5,6,7").
    One row per element of each version's list; empty elements ("1,,2") are left out, an element
    that is not an integer is NULL with its flag. `posicao` is the element's place in the list as
    written (1 = first). Join to the object's versions or current state on (referencia,
    referencia_data_utc). -#}
with

pesquisas as (
    select * from {{ ref('stg_crm__pesquisas') }}
),

elementos as (
    select
        idpesquisa,
        referencia,
        referencia_data_utc,
        content_hash,
        data_carga,
        {{ alicerce.crm_explodir_lista('ids_perguntas', 'idpergunta') }}
    from pesquisas
    where ids_perguntas is not null
),

parsed as (
    select
        idpesquisa,
        referencia,
        referencia_data_utc,
        content_hash,
        cast(posicao + 1 as int) as posicao,
        {{ alicerce.crm_campo('idpergunta_texto', 'inteiro', 'idpergunta') }},
        data_carga
    from elementos
    where {{ alicerce.crm_texto('idpergunta_texto') }} is not null
)

select * from parsed
