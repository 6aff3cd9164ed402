
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    select referencia, referencia_data_utc, count(*) as n
    from staging.stg_crm__pessoas
    group by referencia, referencia_data_utc
    having count(*) > 1

  
  
      
    ) dbt_internal_test