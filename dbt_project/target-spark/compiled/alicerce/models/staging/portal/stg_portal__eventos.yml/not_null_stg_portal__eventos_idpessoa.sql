
    
    



select idpessoa
from staging.stg_portal__eventos
where idpessoa is null


