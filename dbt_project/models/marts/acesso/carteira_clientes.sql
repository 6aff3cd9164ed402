{#- Who may see whom (DESIGN.md, "Who may see what"): one row per link between a CRM person and a
    broker (corretor) — the person is on a reservation (as its client or as an associate), a
    pré-cadastro or an atendimento where the broker is the broker — with the broker's current
    brokerage (imobiliária). Dashboards scope every page by idcorretor or idimobiliaria here. -#}
with

reservas as (
    select * from {{ ref('int_crm__reservas_atual') }}
),

reservas_associados as (
    select * from {{ ref('int_crm__reservas_associados_atual') }}
),

precadastros as (
    select * from {{ ref('int_crm__precadastros_atual') }}
),

atendimentos as (
    select * from {{ ref('int_crm__atendimentos_atual') }}
),

corretores as (
    select * from {{ ref('int_crm__corretores_atual') }}
),

reservas_vigentes as (
    select
        idreserva,
        idcliente,
        idcorretor
    from reservas
    where not excluido and not removido_no_crm
),

clientes_de_reserva as (
    select
        cast(idcliente as bigint) as idpessoa,
        cast(idcorretor as bigint) as idcorretor,
        'reserva' as origem,
        cast(idreserva as bigint) as idregistro
    from reservas_vigentes
    where idcliente is not null and idcorretor is not null
),

-- A person may be listed twice on one reservation (two associate rows): one link.
associados_de_reserva as (
    select distinct
        cast(reservas_associados.idpessoa as bigint) as idpessoa,
        cast(reservas_vigentes.idcorretor as bigint) as idcorretor,
        'associado' as origem,
        cast(reservas_vigentes.idreserva as bigint) as idregistro
    from reservas_associados
    inner join reservas_vigentes
        on reservas_associados.idreserva = reservas_vigentes.idreserva
    where
        not reservas_associados.excluido
        and not reservas_associados.removido_no_crm
        and reservas_associados.idpessoa is not null
        and reservas_vigentes.idcorretor is not null
),

clientes_de_precadastro as (
    select
        cast(idpessoa as bigint) as idpessoa,
        cast(idcorretor as bigint) as idcorretor,
        'precadastro' as origem,
        cast(idprecadastro as bigint) as idregistro
    from precadastros
    where
        not excluido
        and not removido_no_crm
        and idpessoa is not null
        and idcorretor is not null
),

clientes_de_atendimento as (
    select
        cast(idcliente as bigint) as idpessoa,
        cast(idcorretor as bigint) as idcorretor,
        'atendimento' as origem,
        cast(idatendimento as bigint) as idregistro
    from atendimentos
    where
        not excluido
        and not removido_no_crm
        and idcliente is not null
        and idcorretor is not null
),

vinculos as (
    select * from clientes_de_reserva
    union all
    select * from associados_de_reserva
    union all
    select * from clientes_de_precadastro
    union all
    select * from clientes_de_atendimento
),

-- The broker's brokerage today, not the one written on the record: a broker who moved takes
-- their clients along; an autonomous broker, or one the CRM does not list, has none (NULL).
carteira as (
    select
        vinculos.idpessoa,
        vinculos.idcorretor,
        cast(corretores.idimobiliaria as bigint) as idimobiliaria,
        vinculos.origem,
        vinculos.idregistro
    from vinculos
    left join corretores on vinculos.idcorretor = corretores.idcorretor
)

-- Stored by broker: a page's scope then reads only the matching part of the published copy.
select * from carteira
order by idcorretor, idpessoa, origem, idregistro
