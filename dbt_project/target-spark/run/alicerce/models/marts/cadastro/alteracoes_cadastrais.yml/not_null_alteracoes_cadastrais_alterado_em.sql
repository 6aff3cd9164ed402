
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select alterado_em
from marts.alteracoes_cadastrais
where alterado_em is null



  
  
      
    ) dbt_internal_test