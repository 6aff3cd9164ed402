
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