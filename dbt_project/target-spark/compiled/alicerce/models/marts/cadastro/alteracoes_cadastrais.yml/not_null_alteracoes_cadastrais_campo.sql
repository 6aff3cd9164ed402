
    
    



select campo
from marts.alteracoes_cadastrais
where campo is null


