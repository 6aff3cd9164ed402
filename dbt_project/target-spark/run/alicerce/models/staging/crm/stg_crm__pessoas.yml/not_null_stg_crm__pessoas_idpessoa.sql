
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select idpessoa
from staging.stg_crm__pessoas
where idpessoa is null



  
  
      
    ) dbt_internal_test