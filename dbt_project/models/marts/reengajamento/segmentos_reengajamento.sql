{#- Re-engagement lists: one row per (segment, person) in it as of the reference date (the run's
    load date), with the reason and the contact channels consent allows (DESIGN.md, "Who may see
    what"): the CRM's marketing flag, one for every channel. Flag S: e-mail and celular as the CRM
    has them now; flag N: in the segment (it counts) but no contact; flag absent or unreadable:
    consentimento 'desconhecido', contacts kept, and the dashboards leave them out of exports
    unless the analyst includes them (audited). Recomputed every run. -#}
with

segmentos as (
    select * from {{ ref('stg_reengajamento__segmentos') }}
),

por_pessoa as (
    select
        segmento,
        idpessoa,
        count(*) as atendidas,
        {{ alicerce.join_text("atributo || ': ' || valores", 'posicao', "'; '") }} as motivo
    from {{ ref('int_reengajamento__condicoes_atendidas') }}
    group by segmento, idpessoa
),

membros as (
    select por_pessoa.*
    from por_pessoa
    inner join segmentos on por_pessoa.segmento = segmentos.segmento
    where
        (segmentos.combinacao = 'todas' and por_pessoa.atendidas = segmentos.condicoes)
        or (segmentos.combinacao = 'alguma' and por_pessoa.atendidas >= 1)
),

contatos as (
    select idpessoa, email, celular
    from (
        select
            idpessoa,
            nullif(trim(email), '') as email,
            nullif(trim(celular), '') as celular,
            row_number() over (partition by idpessoa order by data_carga desc) as ordem
        from {{ ref('int_cadastro__crm_pessoas_por_carga') }}
    ) as por_carga
    where ordem = 1
),

pessoas as (
    select
        pessoas.idpessoa,
        pessoas.nome,
        case
            when pessoas.aceita_marketing then 'sim'
            when not pessoas.aceita_marketing then 'nao'
            else 'desconhecido'
        end as consentimento,
        contatos.email,
        contatos.celular
    from {{ ref('int_crm__pessoas_atual') }} as pessoas
    left join contatos on pessoas.idpessoa = contatos.idpessoa
)

select
    membros.segmento,
    membros.idpessoa,
    pessoas.nome,
    membros.motivo,
    pessoas.consentimento,
    case when pessoas.consentimento <> 'nao' then pessoas.email end as email,
    case when pessoas.consentimento <> 'nao' then pessoas.celular end as celular,
    case
        when pessoas.consentimento = 'nao' then ''
        else concat_ws(', ',
            case when pessoas.email is not null then 'e-mail' end,
            case when pessoas.celular is not null then 'celular' end)
    end as canais,
    {{ alicerce.data_referencia() }} as data_referencia
from membros
inner join pessoas on membros.idpessoa = pessoas.idpessoa
