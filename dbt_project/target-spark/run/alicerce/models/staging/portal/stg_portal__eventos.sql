create or replace view staging.stg_portal__eventos
  
  
  as
    with

source as (
    select * from parquet.`/tmp/t1/lake/raw/portal/eventos`
),

renamed as (
    select
        event_id,
        event_type,
        idpessoa,
        occurred_at_utc,
        channel,
        changes,
        cast(dt as date) as data_carga,
        source_file,
        line_no
    from source
    where event_id is not null
)

select * from renamed
