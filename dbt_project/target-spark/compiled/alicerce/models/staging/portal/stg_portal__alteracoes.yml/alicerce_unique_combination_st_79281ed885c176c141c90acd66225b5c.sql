
    select event_id, campo, count(*) as n
    from staging.stg_portal__alteracoes
    group by event_id, campo
    having count(*) > 1
