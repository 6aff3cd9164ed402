
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        origem as value_field,
        count(*) as n_records

    from marts.alteracoes_cadastrais
    group by origem

)

select *
from all_values
where value_field not in (
    'portal','painel'
)



  
  
      
    ) dbt_internal_test