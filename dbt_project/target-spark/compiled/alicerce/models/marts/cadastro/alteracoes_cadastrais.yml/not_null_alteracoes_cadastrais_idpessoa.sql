
    
    



select idpessoa
from marts.alteracoes_cadastrais
where idpessoa is null


