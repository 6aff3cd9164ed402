
    
    



select occurred_at_utc
from staging.stg_portal__eventos
where occurred_at_utc is null


