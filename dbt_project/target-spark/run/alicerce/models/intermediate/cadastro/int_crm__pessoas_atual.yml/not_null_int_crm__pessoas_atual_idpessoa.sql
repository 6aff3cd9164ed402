
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select idpessoa
from intermediate.int_crm__pessoas_atual
where idpessoa is null



  
  
      
    ) dbt_internal_test