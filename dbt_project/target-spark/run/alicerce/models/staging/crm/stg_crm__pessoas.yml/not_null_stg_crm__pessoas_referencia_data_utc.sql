
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select referencia_data_utc
from staging.stg_crm__pessoas
where referencia_data_utc is null



  
  
      
    ) dbt_internal_test