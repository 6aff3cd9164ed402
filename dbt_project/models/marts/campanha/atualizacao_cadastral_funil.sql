{#- The periodic update's funnel per São Paulo month (DESIGN.md, "the periodic portal update"),
    each event judged by the campaign version in force on its day (int_campanha__eventos):
    logins of due clients -> prompts shown -> declined / completed / no answer, and the checks that
    flag the portal misbehaving (a due client's login without a prompt, a prompt to a client not
    due, a change to a field the form hides). Months run to the reference date. -#}
with

referencia as (
    select {{ alicerce.data_referencia() }} as data_referencia
),

eventos as (
    select eventos.*, {{ alicerce.month_start('eventos.dia') }} as mes
    from {{ ref('int_campanha__eventos') }} as eventos
    cross join referencia
    where eventos.dia <= referencia.data_referencia
),

por_evento as (
    select
        mes,
        count(case when event_type = 'login' then 1 end) as logins,
        count(case when event_type = 'login' and devida then 1 end) as logins_devidos,
        count(
            case when event_type = 'login' and devida and not login_com_prompt then 1 end
        ) as logins_devidos_sem_prompt,
        count(case when event_type = 'update_prompt_shown' then 1 end) as prompts,
        count(
            case when event_type = 'update_prompt_shown' and not devida then 1 end
        ) as prompts_a_nao_devidos,
        count(
            case
                when event_type = 'update_prompt_shown' and proximo_evento = 'update_declined'
                    then 1
            end
        ) as prompts_recusados,
        count(
            case
                when event_type = 'update_prompt_shown' and proximo_evento = 'update_completed'
                    then 1
            end
        ) as prompts_concluidos,
        count(case when event_type = 'update_declined' then 1 end) as recusas,
        count(case when event_type = 'update_completed' then 1 end) as conclusoes,
        count(distinct case when event_type = 'update_prompt_shown' then idpessoa end)
            as clientes_com_prompt,
        count(
            distinct case
                when event_type = 'update_prompt_shown' and proximo_evento = 'update_completed'
                    then idpessoa
            end
        ) as clientes_que_concluiram
    from eventos
    group by mes
),

-- An update cycle ends with a completion; its first prompt is the earliest prompt in it.
ciclos as (
    select
        idpessoa,
        ciclo,
        min(case when event_type = 'update_prompt_shown' then dia end) as primeiro_prompt,
        min(case when event_type = 'update_completed' then dia end) as concluido_em
    from eventos
    group by idpessoa, ciclo
),

tempo_ate_concluir as (
    select
        {{ alicerce.month_start('concluido_em') }} as mes,
        {{ alicerce.median_decimal(alicerce.days_between('primeiro_prompt', 'concluido_em')) }}
            as mediana_dias_ate_concluir
    from ciclos
    where primeiro_prompt is not null and concluido_em is not null
    group by {{ alicerce.month_start('concluido_em') }}
),

-- Every field a completed portal update sent, on its São Paulo day.
campos_enviados as (
    select
        campo,
        cast({{ alicerce.utc_to_sao_paulo('alterado_em') }} as date) as dia
    from {{ ref('int_cadastro__alteracoes_normalizadas') }}
),

campos_ocultos as (
    select
        {{ alicerce.month_start('enviados.dia') }} as mes,
        count(*) as alteracoes_em_campos_ocultos
    from campos_enviados as enviados
    cross join referencia
    inner join {{ ref('stg_portal__campanha') }} as campanha
        on
            enviados.dia >= campanha.vigente_desde
            and (campanha.vigente_ate is null or enviados.dia < campanha.vigente_ate)
    left join {{ ref('stg_portal__campanha_campos') }} as campos
        on campanha.vigente_desde = campos.vigente_desde and enviados.campo = campos.campo
    where
        campanha.habilitada
        and campos.campo is null
        and enviados.dia <= referencia.data_referencia
    group by {{ alicerce.month_start('enviados.dia') }}
)

select
    por_evento.mes,
    referencia.data_referencia,
    por_evento.logins,
    por_evento.logins_devidos,
    por_evento.prompts,
    por_evento.prompts_recusados,
    por_evento.prompts_concluidos,
    por_evento.prompts - por_evento.prompts_recusados - por_evento.prompts_concluidos
        as prompts_sem_resposta,
    por_evento.recusas,
    por_evento.conclusoes,
    por_evento.clientes_com_prompt,
    por_evento.clientes_que_concluiram,
    {{ alicerce.basis_points('por_evento.clientes_que_concluiram', 'por_evento.clientes_com_prompt') }}
        as taxa_conclusao_bp,
    tempo_ate_concluir.mediana_dias_ate_concluir,
    por_evento.logins_devidos_sem_prompt,
    por_evento.prompts_a_nao_devidos,
    coalesce(campos_ocultos.alteracoes_em_campos_ocultos, 0) as alteracoes_em_campos_ocultos
from por_evento
cross join referencia
left join tempo_ate_concluir on por_evento.mes = tempo_ate_concluir.mes
left join campos_ocultos on por_evento.mes = campos_ocultos.mes
