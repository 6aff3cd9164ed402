
    
    



select idpessoa
from staging.stg_crm__pessoas
where idpessoa is null


