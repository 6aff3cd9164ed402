{#- Per person, the periodic update's status as of the reference date (macro data_referencia: the
    run's load date), judged by the campaign version in force that day (DESIGN.md, "the periodic
    portal update"). Days are São Paulo days; events after the reference date are ignored.

    Due: the campaign is on and the person has no completed update since the activation, or the
    last one is at least frequencia_dias old. devida_desde is the last completed update plus the
    frequency or, for someone who never completed, the later of the activation and the person's
    registration date. A decline keeps them due; a completed update that changes nothing counts. -#}
with

referencia as (
    select {{ alicerce.data_referencia() }} as data_referencia
),

versao as (
    select campanha.*
    from {{ ref('stg_portal__campanha') }} as campanha
    cross join referencia
    where
        campanha.vigente_desde <= referencia.data_referencia
        and (campanha.vigente_ate is null or campanha.vigente_ate > referencia.data_referencia)
),

pessoas as (
    select
        idpessoa,
        cast(data_cad as date) as data_cadastro
    from {{ ref('int_crm__pessoas_atual') }}
),

eventos as (
    select idpessoa, event_type, dia
    from {{ ref('int_campanha__eventos') }}
    where event_type in ('login', 'update_declined', 'update_completed')
),

ate_a_referencia as (
    select eventos.*
    from eventos
    cross join referencia
    where eventos.dia <= referencia.data_referencia
),

por_pessoa as (
    select
        eventos.idpessoa,
        max(
            case
                when eventos.event_type = 'update_completed' and eventos.dia >= versao.ativacao
                    then eventos.dia
            end
        ) as ultima_atualizacao,
        max(case when eventos.event_type = 'login' then eventos.dia end) as ultimo_login,
        max(
            case when eventos.event_type = 'login' and eventos.dia >= versao.ativacao then 1 else 0 end
        ) as logou_desde_ativacao
    from ate_a_referencia as eventos
    left join versao on true
    group by eventos.idpessoa
),

situacao as (
    select
        pessoas.idpessoa,
        referencia.data_referencia,
        coalesce(versao.habilitada, false) as campanha_habilitada,
        versao.ativacao,
        versao.frequencia_dias,
        pessoas.data_cadastro,
        por_pessoa.ultima_atualizacao,
        por_pessoa.ultimo_login,
        coalesce(por_pessoa.logou_desde_ativacao, 0) = 1 as logou_desde_ativacao,
        case
            when not coalesce(versao.habilitada, false) then null
            when por_pessoa.ultima_atualizacao is not null
                then {{ alicerce.add_days('por_pessoa.ultima_atualizacao', 'versao.frequencia_dias') }}
            when pessoas.data_cadastro > versao.ativacao then pessoas.data_cadastro
            else versao.ativacao
        end as devida_desde
    from pessoas
    cross join referencia
    left join versao on true
    left join por_pessoa on pessoas.idpessoa = por_pessoa.idpessoa
),

desde_devida as (
    select
        situacao.idpessoa,
        count(case when eventos.event_type = 'update_declined' then 1 end) as recusas,
        count(case when eventos.event_type = 'login' then 1 end) as logins
    from situacao
    inner join ate_a_referencia as eventos
        on situacao.idpessoa = eventos.idpessoa and eventos.dia >= situacao.devida_desde
    where situacao.devida_desde <= situacao.data_referencia
    group by situacao.idpessoa
)

select
    situacao.idpessoa,
    situacao.data_referencia,
    situacao.campanha_habilitada,
    situacao.ativacao,
    situacao.frequencia_dias,
    situacao.data_cadastro,
    situacao.ultima_atualizacao,
    situacao.ultimo_login,
    coalesce(situacao.devida_desde <= situacao.data_referencia, false) as devida,
    situacao.devida_desde,
    case
        when situacao.devida_desde <= situacao.data_referencia
            then {{ alicerce.days_between('situacao.devida_desde', 'situacao.data_referencia') }}
    end as dias_em_atraso,
    coalesce(desde_devida.recusas, 0) as recusas_desde_devida,
    coalesce(desde_devida.logins, 0) as logins_desde_devida,
    case
        when situacao.campanha_habilitada then not situacao.logou_desde_ativacao
    end as sem_login_desde_ativacao
from situacao
left join desde_devida on situacao.idpessoa = desde_devida.idpessoa
