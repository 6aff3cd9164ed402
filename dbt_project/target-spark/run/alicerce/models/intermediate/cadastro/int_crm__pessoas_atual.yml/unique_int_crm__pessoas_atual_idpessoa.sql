
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    idpessoa as unique_field,
    count(*) as n_records

from intermediate.int_crm__pessoas_atual
where idpessoa is not null
group by idpessoa
having count(*) > 1



  
  
      
    ) dbt_internal_test