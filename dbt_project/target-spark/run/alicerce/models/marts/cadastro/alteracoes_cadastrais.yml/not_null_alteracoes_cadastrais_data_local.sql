
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select data_local
from marts.alteracoes_cadastrais
where data_local is null



  
  
      
    ) dbt_internal_test