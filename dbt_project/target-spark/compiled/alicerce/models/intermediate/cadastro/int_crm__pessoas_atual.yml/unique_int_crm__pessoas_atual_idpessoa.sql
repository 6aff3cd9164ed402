
    
    

select
    idpessoa as unique_field,
    count(*) as n_records

from intermediate.int_crm__pessoas_atual
where idpessoa is not null
group by idpessoa
having count(*) > 1


