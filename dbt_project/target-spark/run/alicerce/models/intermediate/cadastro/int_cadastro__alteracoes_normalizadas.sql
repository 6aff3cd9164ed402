create or replace view intermediate.int_cadastro__alteracoes_normalizadas
  
  
  as
    with

alteracoes as (
    select * from staging.stg_portal__alteracoes
),

normalizadas as (
    select
        *,
        nullif(case campo
        when 'email' then lower(trim(regexp_replace(valor_anterior, '[ 	
]+', ' ')))
        when 'celular' then
            case
                when length(regexp_replace(valor_anterior, '[^0-9]', '')) in (12, 13) and substr(regexp_replace(valor_anterior, '[^0-9]', ''), 1, 2) = '55'
                    then substr(regexp_replace(valor_anterior, '[^0-9]', ''), 3)
                else regexp_replace(valor_anterior, '[^0-9]', '')
            end
        when 'cep' then regexp_replace(valor_anterior, '[^0-9]', '')
        when 'rg' then upper(regexp_replace(valor_anterior, '[^0-9A-Za-z]', ''))
        when 'renda_familiar' then
            cast(nullif(try_cast(nullif(case when regexp_replace(valor_anterior, '[^0-9,.-]', '') like '%,%' then replace(replace(regexp_replace(valor_anterior, '[^0-9,.-]', ''), '.', ''), ',', '.') else regexp_replace(valor_anterior, '[^0-9,.-]', '') end, '') as decimal(18, 2)), 0) as string)
        else trim(regexp_replace(valor_anterior, '[ 	
]+', ' '))
    end, '') as anterior_normalizado,
        nullif(case campo
        when 'email' then lower(trim(regexp_replace(valor_novo, '[ 	
]+', ' ')))
        when 'celular' then
            case
                when length(regexp_replace(valor_novo, '[^0-9]', '')) in (12, 13) and substr(regexp_replace(valor_novo, '[^0-9]', ''), 1, 2) = '55'
                    then substr(regexp_replace(valor_novo, '[^0-9]', ''), 3)
                else regexp_replace(valor_novo, '[^0-9]', '')
            end
        when 'cep' then regexp_replace(valor_novo, '[^0-9]', '')
        when 'rg' then upper(regexp_replace(valor_novo, '[^0-9A-Za-z]', ''))
        when 'renda_familiar' then
            cast(nullif(try_cast(nullif(case when regexp_replace(valor_novo, '[^0-9,.-]', '') like '%,%' then replace(replace(regexp_replace(valor_novo, '[^0-9,.-]', ''), '.', ''), ',', '.') else regexp_replace(valor_novo, '[^0-9,.-]', '') end, '') as decimal(18, 2)), 0) as string)
        else trim(regexp_replace(valor_novo, '[ 	
]+', ' '))
    end, '') as novo_normalizado
    from alteracoes
),

comparadas as (
    select
        *,
        anterior_normalizado is distinct from novo_normalizado as houve_mudanca
    from normalizadas
)

select * from comparadas
