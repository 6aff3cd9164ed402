
    
    



select idpessoa
from intermediate.int_crm__pessoas_atual
where idpessoa is null


