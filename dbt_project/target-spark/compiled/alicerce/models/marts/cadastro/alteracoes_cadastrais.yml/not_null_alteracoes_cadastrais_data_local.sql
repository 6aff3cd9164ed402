
    
    



select data_local
from marts.alteracoes_cadastrais
where data_local is null


