
    
    



select event_id
from staging.stg_portal__alteracoes
where event_id is null


