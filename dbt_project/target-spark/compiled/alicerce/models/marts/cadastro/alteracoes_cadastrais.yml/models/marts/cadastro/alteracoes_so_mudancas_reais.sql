with

 __dbt__cte__int_cadastro__alteracoes_normalizadas as (

-- Fixture for int_cadastro__alteracoes_normalizadas
select cast('e1' as string)
 as `event_id`, cast(1 as bigint)
 as `idpessoa`, cast('2026-11-01 12:00:00' as timestamp_ntz)
 as `alterado_em`, cast('email' as string)
 as `campo`, cast(null as string) as `valor_anterior`, cast(null as string) as `valor_novo`, cast(null as string) as `anterior_normalizado`, cast(null as string) as `novo_normalizado`, cast(False as boolean)
 as `houve_mudanca`
union all
select cast('e2' as string)
 as `event_id`, cast(1 as bigint)
 as `idpessoa`, cast('2026-11-01 12:00:00' as timestamp_ntz)
 as `alterado_em`, cast('nome' as string)
 as `campo`, cast(null as string) as `valor_anterior`, cast(null as string) as `valor_novo`, cast(null as string) as `anterior_normalizado`, cast(null as string) as `novo_normalizado`, cast(True as boolean)
 as `houve_mudanca`
),  __dbt__cte__int_crm__pessoas_atual as (

-- Fixture for int_crm__pessoas_atual
select cast(null as bigint) as `idpessoa`, cast(null as string) as `referencia`, cast(null as timestamp) as `referencia_data_utc`, cast(null as string) as `ativo`, cast(null as timestamp) as `data_cad`, cast(null as boolean) as `data_cad_invalida`, cast(null as string) as `ativo_login`, cast(null as string) as `situacao`, cast(null as string) as `documento_tipo`, cast(null as string) as `documento`, cast(null as string) as `cpf_hash`, cast(null as string) as `nome`, cast(null as string) as `rg`, cast(null as string) as `renda_familiar`, cast(null as decimal(18,2)) as `renda_familiar_valor`, cast(null as boolean) as `renda_familiar_invalida`, cast(null as string) as `cep`, cast(null as string) as `endereco_completo`, cast(null as date) as `data_carga`, cast(null as timestamp_ntz) as `ingested_at`, cast(null as int) as `versao_desc`
    limit 0
), alteracoes as (
    select * from __dbt__cte__int_cadastro__alteracoes_normalizadas
),

pessoas as (
    select * from __dbt__cte__int_crm__pessoas_atual
),

mudancas as (
    select * from alteracoes where houve_mudanca
),

relatorio as (
    select
        mudancas.event_id as id_evento,
        mudancas.idpessoa,
        pessoas.nome,
        pessoas.documento,
        mudancas.campo,
        mudancas.valor_anterior,
        mudancas.valor_novo as valor_atual,
        mudancas.alterado_em,
        cast(from_utc_timestamp(mudancas.alterado_em, 'America/Sao_Paulo') as date) as data_local,
        'portal' as origem
    from mudancas
    left join pessoas on mudancas.idpessoa = pessoas.idpessoa
)

select * from relatorio