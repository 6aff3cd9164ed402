
    
    



select alterado_em
from marts.alteracoes_cadastrais
where alterado_em is null


