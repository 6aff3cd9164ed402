
    
    



select event_id
from parquet.`/tmp/t1/lake/raw/portal/eventos`
where event_id is null


