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

-- A prompt is judged as of its login (the portal decides at the login), so a login just before
-- midnight and its prompt just after it are judged alike; other events as of their own day.
dia_de_julgamento as (
    select
        em_ordem.*,
        case
            when event_type = 'update_prompt_shown' and login_anterior_em is not null
                then cast({{ alicerce.utc_to_sao_paulo('login_anterior_em') }} as date)
            else dia
        end as julgado_em
    from em_ordem
),

julgados as (
    select
        eventos.*,
        coalesce(campanha.habilitada, false) as campanha_habilitada,
        coalesce(campanha.habilitada, false) and (
            eventos.ultima_conclusao_antes is null
            or eventos.ultima_conclusao_antes < campanha.ativacao
            or {{ alicerce.days_between('eventos.ultima_conclusao_antes', 'eventos.julgado_em') }}
                >= campanha.frequencia_dias
        ) as devida
    from dia_de_julgamento as eventos
    left join {{ ref('stg_portal__campanha') }} as campanha
        on
            eventos.julgado_em >= campanha.vigente_desde
            and (campanha.vigente_ate is null or eventos.julgado_em < campanha.vigente_ate)
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
