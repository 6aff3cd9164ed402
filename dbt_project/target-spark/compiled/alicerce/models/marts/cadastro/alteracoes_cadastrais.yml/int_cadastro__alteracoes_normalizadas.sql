
-- Fixture for int_cadastro__alteracoes_normalizadas
select cast('e1' as string)
 as `event_id`, cast(1 as bigint)
 as `idpessoa`, cast('2018-02-17 01:30:00' as timestamp_ntz)
 as `alterado_em`, cast('cep' as string)
 as `campo`, cast('1' as string)
 as `valor_anterior`, cast('2' as string)
 as `valor_novo`, cast(null as string) as `anterior_normalizado`, cast(null as string) as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('e2' as string)
 as `event_id`, cast(1 as bigint)
 as `idpessoa`, cast('2018-01-31 02:30:00' as timestamp_ntz)
 as `alterado_em`, cast('cep' as string)
 as `campo`, cast('1' as string)
 as `valor_anterior`, cast('2' as string)
 as `valor_novo`, cast(null as string) as `anterior_normalizado`, cast(null as string) as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
union all
select cast('e3' as string)
 as `event_id`, cast(1 as bigint)
 as `idpessoa`, cast('2018-07-01 02:30:00' as timestamp_ntz)
 as `alterado_em`, cast('cep' as string)
 as `campo`, cast('1' as string)
 as `valor_anterior`, cast('2' as string)
 as `valor_novo`, cast(null as string) as `anterior_normalizado`, cast(null as string) as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`