with

source as (
    select * from {{ source('quarentena', 'serasa_consultas') }}
),

renamed as (
    select
        source_file,
        line_no,
        reason,
        content,
        cast(dt as date) as data_carga
    from source
    where reason is not null
)

select * from renamed
