
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select occurred_at_utc
from staging.stg_portal__eventos
where occurred_at_utc is null



  
  
      
    ) dbt_internal_test