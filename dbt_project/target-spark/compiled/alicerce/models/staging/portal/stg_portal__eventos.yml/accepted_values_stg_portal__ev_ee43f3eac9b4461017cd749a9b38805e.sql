
    
    

with all_values as (

    select
        event_type as value_field,
        count(*) as n_records

    from staging.stg_portal__eventos
    group by event_type

)

select *
from all_values
where value_field not in (
    'login','update_prompt_shown','update_declined','update_completed'
)


