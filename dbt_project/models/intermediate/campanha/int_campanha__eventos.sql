{#- Every campaign-related portal event (login, prompt shown, declined, completed), judged at its
    own instant by the campaign version in force on its São Paulo day (DESIGN.md: history is
    judged by the settings in force at the time): was the person due just before it? Plus what
    the funnel needs: the next event, whether a login got its prompt, and the update cycle. -#}
{{ config(materialized='table', file_format='parquet') }}

with

eventos as (
    select
        event_id,
        idpessoa,
        event_type,
        occurred_at_utc,
        cast({{ alicerce.utc_to_sao_paulo('occurred_at_utc') }} as date) as dia
    from {{ ref('stg_portal__eventos') }}
    where event_type in ('login', 'update_prompt_shown', 'update_declined', 'update_completed')
),

em_ordem as (
    select
        eventos.*,
        -- The last completed update before this event, and how many there were (the cycle).
        max(case when event_type = 'update_completed' then dia end) over (
            partition by idpessoa order by occurred_at_utc, event_id
            rows between unbounded preceding and 1 preceding
        ) as ultima_conclusao_antes,
        coalesce(sum(case when event_type = 'update_completed' then 1 else 0 end) over (
            partition by idpessoa order by occurred_at_utc, event_id
            rows between unbounded preceding and 1 preceding
        ), 0) as ciclo,
        lead(event_type) over (
            partition by idpessoa order by occurred_at_utc, event_id
        ) as proximo_evento,
        -- For a prompt: the login it belongs to (the last one before it).
        max(case when event_type = 'login' then occurred_at_utc end) over (
            partition by idpessoa order by occurred_at_utc, event_id
            rows between unbounded preceding and 1 preceding
        ) as login_anterior_em
    from eventos
),

julgados as (
    select
        em_ordem.*,
        coalesce(campanha.habilitada, false) as campanha_habilitada,
        coalesce(campanha.habilitada, false) and (
            em_ordem.ultima_conclusao_antes is null
            or em_ordem.ultima_conclusao_antes < campanha.ativacao
            or {{ alicerce.days_between('em_ordem.ultima_conclusao_antes', 'em_ordem.dia') }}
                >= campanha.frequencia_dias
        ) as devida
    from em_ordem
    left join {{ ref('stg_portal__campanha') }} as campanha
        on
            em_ordem.dia >= campanha.vigente_desde
            and (campanha.vigente_ate is null or em_ordem.dia < campanha.vigente_ate)
),

logins_com_prompt as (
    select distinct idpessoa, login_anterior_em as login_em
    from julgados
    where event_type = 'update_prompt_shown' and login_anterior_em is not null
)

select
    julgados.event_id,
    julgados.idpessoa,
    julgados.event_type,
    julgados.occurred_at_utc,
    julgados.dia,
    julgados.campanha_habilitada,
    julgados.devida,
    julgados.ultima_conclusao_antes,
    julgados.ciclo,
    julgados.proximo_evento,
    case
        when julgados.event_type = 'login' then logins_com_prompt.login_em is not null
    end as login_com_prompt
from julgados
left join logins_com_prompt
    on
        julgados.event_type = 'login'
        and julgados.idpessoa = logins_com_prompt.idpessoa
        and julgados.occurred_at_utc = logins_com_prompt.login_em
