with

source as (
    select * from {{ source('portal', 'eventos') }}
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
        ingested_at,
        source_file,
        line_no
    from source
    where event_id is not null
)

select * from renamed
