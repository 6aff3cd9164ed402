
    
    



select event_id
from staging.stg_portal__eventos
where event_id is null


