{#- Every survey dispatch with its protocol (DESIGN.md, "Survey protocols"), in this order:
    1. gatilho: the dispatch carries idorigem, the record that triggered it;
    2. correspondencia: the same client's record of the trigger's type (stg_pesquisas__gatilhos)
       whose triggering event is the latest at or before the dispatch, at most janela_dias before
       it (both ends in); ties go to the highest id;
    3. servico: the associated service or feature's id (idservico);
    4. pesquisa: the survey's own id.
    Partitioned by dispatch month. A run rebuilds the months from var protocolos_de to
    protocolos_ate (YYYY-MM; unset: the reference date's month), and any month holding a dispatch
    the mart does not have yet, so no dispatch is ever left out; the first build takes them all.
    Rebuilding a month gives the same rows (idempotent). -#}
{{ alicerce.config_por_mes_envio() }}

{%- set mes_atual = alicerce.month_start(alicerce.data_referencia()) %}

with

envios as (
    select * from {{ ref('stg_pesquisas__envios') }}
),

gatilhos as (
    select * from {{ ref('stg_pesquisas__gatilhos') }}
),

eventos as (
    select * from {{ ref('int_pesquisas__eventos_registro') }}
),

registros as (
    select * from {{ ref('int_crm__registros') }}
),

pesquisas as (
    select * from {{ ref('int_crm__pesquisas_atual') }}
),

{% if is_incremental() %}
meses_a_refazer as (
    select distinct mes_envio from envios
    where mes_envio between {{ alicerce.mes_da_var('protocolos_de', mes_atual) }}
        and {{ alicerce.mes_da_var('protocolos_ate', mes_atual) }}
    union
    select distinct envios.mes_envio from envios
    left join {{ this }} as feitos on envios.idenvio = feitos.idenvio
    where feitos.idenvio is null
),

envios_a_ligar as (
    select envios.* from envios
    inner join meses_a_refazer on envios.mes_envio = meses_a_refazer.mes_envio
),
{% else %}
envios_a_ligar as (
    select * from envios
),
{% endif %}

com_gatilho as (
    select
        envios_a_ligar.*,
        gatilhos.tipo_registro as tipo_do_gatilho,
        gatilhos.evento,
        gatilhos.janela_dias
    from envios_a_ligar
    left join gatilhos on envios_a_ligar.gatilho = gatilhos.gatilho
),

candidatos as (
    select
        com_gatilho.idenvio,
        eventos.idregistro,
        row_number() over (
            partition by com_gatilho.idenvio
            order by eventos.ocorrido_em desc, eventos.idregistro desc
        ) as ordem
    from com_gatilho
    inner join eventos
        on eventos.tipo_registro = com_gatilho.tipo_do_gatilho
        and eventos.evento = com_gatilho.evento
        and eventos.idpessoa = com_gatilho.idpessoa
        and eventos.ocorrido_em <= com_gatilho.enviado_em
        and eventos.ocorrido_em >= {{ alicerce.add_days_to_timestamp(
            'com_gatilho.enviado_em', '-com_gatilho.janela_dias') }}
    where com_gatilho.idorigem is null
),

correspondencias as (
    select idenvio, idregistro from candidatos where ordem = 1
),

protocolos as (
    select
        com_gatilho.*,
        case
            when com_gatilho.idorigem is not null then 'gatilho'
            when correspondencias.idregistro is not null then 'correspondencia'
            when com_gatilho.idservico is not null then 'servico'
            else 'pesquisa'
        end as origem_protocolo,
        cast(coalesce(
            com_gatilho.idorigem, correspondencias.idregistro, com_gatilho.idservico,
            com_gatilho.idpesquisa
        ) as {{ dbt.type_string() }}) as protocolo
    from com_gatilho
    left join correspondencias on com_gatilho.idenvio = correspondencias.idenvio
),

com_tipo as (
    select
        protocolos.*,
        case origem_protocolo
            -- an unconfigured gatilho's record type is unknown: the gatilho names it
            when 'gatilho' then coalesce(tipo_do_gatilho, gatilho)
            when 'correspondencia' then tipo_do_gatilho
            else origem_protocolo
        end as tipo_registro
    from protocolos
),

final as (
    select
        com_tipo.idenvio,
        com_tipo.idpesquisa,
        pesquisas.pesquisa,
        com_tipo.gatilho,
        com_tipo.protocolo,
        com_tipo.tipo_registro,
        com_tipo.origem_protocolo,
        registros.protocolo_atendimento,
        registros.idregistro is not null as registro_encontrado,
        com_tipo.idpessoa,
        com_tipo.enviado_em,
        com_tipo.mes_envio  -- last: Spark's partition column
    from com_tipo
    left join registros
        on com_tipo.tipo_registro = registros.tipo_registro
        and com_tipo.protocolo = cast(registros.idregistro as {{ dbt.type_string() }})
    left join pesquisas on com_tipo.idpesquisa = pesquisas.idpesquisa
)

select * from final
