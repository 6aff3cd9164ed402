
    -- Build actual result given inputs
with dbt_internal_unit_test_actual as (
  select
    `event_id`,`anterior_normalizado`,`novo_normalizado`,`houve_mudanca`, 'actual' as `actual_or_expected`
  from (
    with

 __dbt__cte__stg_portal__alteracoes as (

-- Fixture for stg_portal__alteracoes
select cast('espacos' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('nome' as string)
 as `campo`, cast('  Maria   da  Silva ' as string)
 as `valor_anterior`, cast('Maria da Silva' as string)
 as `valor_novo`
union all
select cast('acento' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('nome' as string)
 as `campo`, cast('Joao Conceicao' as string)
 as `valor_anterior`, cast('João Conceição' as string)
 as `valor_novo`
union all
select cast('caixa_nome' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('nome' as string)
 as `campo`, cast('maria souza' as string)
 as `valor_anterior`, cast('Maria Souza' as string)
 as `valor_novo`
union all
select cast('email_caixa' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('email' as string)
 as `campo`, cast(' Maria@Exemplo.COM ' as string)
 as `valor_anterior`, cast('maria@exemplo.com' as string)
 as `valor_novo`
union all
select cast('email_novo' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('email' as string)
 as `campo`, cast('maria@exemplo.com' as string)
 as `valor_anterior`, cast('maria@novo.com' as string)
 as `valor_novo`
union all
select cast('celular_55_13' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('celular' as string)
 as `campo`, cast('+55 (81) 99876-5432' as string)
 as `valor_anterior`, cast('81998765432' as string)
 as `valor_novo`
union all
select cast('celular_55_12' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('celular' as string)
 as `campo`, cast('55 81 9876-5432' as string)
 as `valor_anterior`, cast('(81) 9876-5432' as string)
 as `valor_novo`
union all
select cast('celular_novo' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('celular' as string)
 as `campo`, cast('(81) 99876-5432' as string)
 as `valor_anterior`, cast('(81) 99876-0000' as string)
 as `valor_novo`
union all
select cast('celular_11' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('celular' as string)
 as `campo`, cast('55987654321' as string)
 as `valor_anterior`, cast('987654321' as string)
 as `valor_novo`
union all
select cast('cep' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('cep' as string)
 as `campo`, cast('50030-230' as string)
 as `valor_anterior`, cast('50030230' as string)
 as `valor_novo`
union all
select cast('rg_pontos' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('rg' as string)
 as `campo`, cast('12.345.678-x' as string)
 as `valor_anterior`, cast('12345678X' as string)
 as `valor_novo`
union all
select cast('rg_novo' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('rg' as string)
 as `campo`, cast('12.345.678-9' as string)
 as `valor_anterior`, cast('12.345.678-0' as string)
 as `valor_novo`
union all
select cast('renda_formato' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('renda_familiar' as string)
 as `campo`, cast('5000.00' as string)
 as `valor_anterior`, cast('5.000,00' as string)
 as `valor_novo`
union all
select cast('renda_zero_vazio' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('renda_familiar' as string)
 as `campo`, cast('0' as string)
 as `valor_anterior`, cast('' as string)
 as `valor_novo`
union all
select cast('renda_zero_nulo' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('renda_familiar' as string)
 as `campo`, cast('0.00' as string)
 as `valor_anterior`, cast(null as string)
 as `valor_novo`
union all
select cast('renda_nova' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('renda_familiar' as string)
 as `campo`, cast('5000.00' as string)
 as `valor_anterior`, cast('5000.01' as string)
 as `valor_novo`
union all
select cast('endereco_espacos' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('endereco' as string)
 as `campo`, cast('Rua A,  10, Centro, Recife/PE' as string)
 as `valor_anterior`, cast('Rua A, 10, Centro, Recife/PE' as string)
 as `valor_novo`
union all
select cast('endereco_novo' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('endereco' as string)
 as `campo`, cast('Rua A, 10, Centro, Recife/PE' as string)
 as `valor_anterior`, cast('Rua B, 10, Centro, Recife/PE' as string)
 as `valor_novo`
union all
select cast('vazio_nulo' as string)
 as `event_id`, cast(null as bigint) as `idpessoa`, cast(null as timestamp_ntz) as `alterado_em`, cast('cep' as string)
 as `campo`, cast('' as string)
 as `valor_anterior`, cast(null as string)
 as `valor_novo`
), alteracoes as (
    select * from __dbt__cte__stg_portal__alteracoes
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
  ) _dbt_internal_unit_test_actual
),
-- Build expected result
dbt_internal_unit_test_expected as (
  select
    `event_id`, `anterior_normalizado`, `novo_normalizado`, `houve_mudanca`, 'expected' as `actual_or_expected`
  from (
    select cast('espacos' as string)
 as `event_id`, cast('Maria da Silva' as string)
 as `anterior_normalizado`, cast('Maria da Silva' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('acento' as string)
 as `event_id`, cast('Joao Conceicao' as string)
 as `anterior_normalizado`, cast('João Conceição' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('caixa_nome' as string)
 as `event_id`, cast('maria souza' as string)
 as `anterior_normalizado`, cast('Maria Souza' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('email_caixa' as string)
 as `event_id`, cast('maria@exemplo.com' as string)
 as `anterior_normalizado`, cast('maria@exemplo.com' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('email_novo' as string)
 as `event_id`, cast('maria@exemplo.com' as string)
 as `anterior_normalizado`, cast('maria@novo.com' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('celular_55_13' as string)
 as `event_id`, cast('81998765432' as string)
 as `anterior_normalizado`, cast('81998765432' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('celular_55_12' as string)
 as `event_id`, cast('8198765432' as string)
 as `anterior_normalizado`, cast('8198765432' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('celular_novo' as string)
 as `event_id`, cast('81998765432' as string)
 as `anterior_normalizado`, cast('81998760000' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('celular_11' as string)
 as `event_id`, cast('55987654321' as string)
 as `anterior_normalizado`, cast('987654321' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('cep' as string)
 as `event_id`, cast('50030230' as string)
 as `anterior_normalizado`, cast('50030230' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('rg_pontos' as string)
 as `event_id`, cast('12345678X' as string)
 as `anterior_normalizado`, cast('12345678X' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('rg_novo' as string)
 as `event_id`, cast('123456789' as string)
 as `anterior_normalizado`, cast('123456780' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('renda_formato' as string)
 as `event_id`, cast('5000.00' as string)
 as `anterior_normalizado`, cast('5000.00' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('renda_zero_vazio' as string)
 as `event_id`, cast(null as string)
 as `anterior_normalizado`, cast(null as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('renda_zero_nulo' as string)
 as `event_id`, cast(null as string)
 as `anterior_normalizado`, cast(null as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('renda_nova' as string)
 as `event_id`, cast('5000.00' as string)
 as `anterior_normalizado`, cast('5000.01' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('endereco_espacos' as string)
 as `event_id`, cast('Rua A, 10, Centro, Recife/PE' as string)
 as `anterior_normalizado`, cast('Rua A, 10, Centro, Recife/PE' as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('endereco_novo' as string)
 as `event_id`, cast('Rua A, 10, Centro, Recife/PE' as string)
 as `anterior_normalizado`, cast('Rua B, 10, Centro, Recife/PE' as string)
 as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('vazio_nulo' as string)
 as `event_id`, cast(null as string)
 as `anterior_normalizado`, cast(null as string)
 as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
  ) _dbt_internal_unit_test_expected
)
-- Union actual and expected results
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected