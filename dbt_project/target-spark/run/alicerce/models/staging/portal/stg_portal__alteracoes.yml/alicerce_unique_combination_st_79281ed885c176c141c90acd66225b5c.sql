
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    select event_id, campo, count(*) as n
    from staging.stg_portal__alteracoes
    group by event_id, campo
    having count(*) > 1

  
  
      
    ) dbt_internal_test