
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select houve_mudanca
from intermediate.int_cadastro__alteracoes_normalizadas
where houve_mudanca is null



  
  
      
    ) dbt_internal_test