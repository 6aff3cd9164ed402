
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    select id_evento, campo, count(*) as n
    from marts.alteracoes_cadastrais
    group by id_evento, campo
    having count(*) > 1

  
  
      
    ) dbt_internal_test