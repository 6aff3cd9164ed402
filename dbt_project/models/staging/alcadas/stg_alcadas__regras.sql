{#- The alçada rules, one row per rule version and cycle. -#}
select
    regra,
    idempreendimento,
    idtabela,
    vigencia,
    ciclos_total,
    ciclo,
    ciclo_nome,
    ancora,
    meses,
    percentual_bp
from {{ source('alcadas', 'regras') }}
