
    
    



select referencia_data_utc
from staging.stg_crm__pessoas
where referencia_data_utc is null


