
    
    



select id_evento
from marts.alteracoes_cadastrais
where id_evento is null


