
    
    

select
    event_id as unique_field,
    count(*) as n_records

from parquet.`/tmp/t1/lake/raw/portal/eventos`
where event_id is not null
group by event_id
having count(*) > 1


