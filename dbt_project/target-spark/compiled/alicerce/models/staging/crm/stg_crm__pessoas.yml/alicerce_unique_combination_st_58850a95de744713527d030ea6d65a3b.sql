
    select referencia, referencia_data_utc, count(*) as n
    from staging.stg_crm__pessoas
    group by referencia, referencia_data_utc
    having count(*) > 1
