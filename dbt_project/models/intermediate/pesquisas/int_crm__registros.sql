{#- Every CRM record a survey protocol can point to, in one shape: what the record page shows. -#}
with

precadastros as (
    select * from {{ ref('int_crm__precadastros_atual') }}
),

reservas as (
    select * from {{ ref('int_crm__reservas_atual') }}
),

vendas as (
    select * from {{ ref('int_crm__vendas_atual') }}
),

repasses as (
    select * from {{ ref('int_crm__repasses_atual') }}
),

atendimentos as (
    select * from {{ ref('int_crm__atendimentos_atual') }}
),

assistencias as (
    select * from {{ ref('int_crm__assistencias_atual') }}
),

registros as (
    select
        'precadastro' as tipo_registro, idprecadastro as idregistro, idpessoa, pessoa as cliente,
        situacao, data_cad_utc as criado_em, cast(null as {{ dbt.type_string() }}) as protocolo_atendimento,
        idempreendimento, cast(null as {{ dbt.type_string() }}) as detalhe, excluido
    from precadastros
    union all
    select
        'reserva', idreserva, idcliente, cliente, situacao, data_cad_utc, null, idempreendimento,
        unidade, excluido
    from reservas
    union all
    select
        'venda', idreserva, idcliente, cliente, cast(null as {{ dbt.type_string() }}),
        {{ alicerce.sao_paulo_naive_to_utc('cast(data_venda as timestamp)') }}, null,
        idempreendimento, cast(null as {{ dbt.type_string() }}), excluido
    from vendas
    union all
    select
        'repasse', idrepasse, idcliente, cliente, situacao, data_cadastro_utc, null,
        idempreendimento, banco, excluido
    from repasses
    union all
    select
        'atendimento', idatendimento, idcliente, nome_cliente, situacao, data_cad_utc, protocolo,
        idempreendimento, assunto, excluido
    from atendimentos
    union all
    select
        'assistencia', idassistencia, idcliente, cliente, situacao, data_cad_utc, null,
        idempreendimento, cast(null as {{ dbt.type_string() }}), excluido
    from assistencias
)

select * from registros
where idregistro is not null
