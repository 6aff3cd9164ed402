
    
    

with all_values as (

    select
        origem as value_field,
        count(*) as n_records

    from marts.alteracoes_cadastrais
    group by origem

)

select *
from all_values
where value_field not in (
    'portal','painel'
)


