{#- The prices configured for Serasa calls (R$ per billed call), from the latest snapshot. -#}
with

source as (
    select * from {{ source('serasa', 'precos') }}
),

typed as (
    select
        cast(item_tipo as string) as item_tipo,
        cast(item as string) as item,
        cast(preco as decimal(18, 2)) as preco,
        cast(dt as date) as data_carga
    from source
    where item is not null
),

latest as (
    select * from typed
    where data_carga = (select max(data_carga) from typed)
)

select item_tipo, item, preco
from latest
