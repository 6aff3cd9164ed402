{#- The tracked fields the portal's form shows, per campaign version. -#}
select
    cast(vigente_desde as date) as vigente_desde,
    campo
from {{ source('portal', 'campanha_campos') }}
