
    
    



select houve_mudanca
from intermediate.int_cadastro__alteracoes_normalizadas
where houve_mudanca is null


