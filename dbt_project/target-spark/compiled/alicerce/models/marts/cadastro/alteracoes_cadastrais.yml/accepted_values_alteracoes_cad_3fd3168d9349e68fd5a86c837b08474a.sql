
    
    

with all_values as (

    select
        campo as value_field,
        count(*) as n_records

    from marts.alteracoes_cadastrais
    group by campo

)

select *
from all_values
where value_field not in (
    'nome','rg','renda_familiar','celular','email','cep','endereco'
)


