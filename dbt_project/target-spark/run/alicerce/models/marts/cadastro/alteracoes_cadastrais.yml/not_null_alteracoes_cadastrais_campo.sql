
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select campo
from marts.alteracoes_cadastrais
where campo is null



  
  
      
    ) dbt_internal_test