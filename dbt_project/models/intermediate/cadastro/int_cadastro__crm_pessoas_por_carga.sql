{#- The CRM's people as they stood at the end of each load: an append-only history (DESIGN.md:
    never a dbt snapshot). One row per person and load date in which the person or one of their
    contacts brought a version; a load that brings nothing for a person adds no row (their state
    carries over). A field's state is the latest version (by referencia_data, then arrival) loaded
    at or before the load, so a person in the load through a contact alone keeps their `pessoas`
    fields, and the other way round.

    Incremental by load date (macros/incremental.sql): a run rebuilds every load date from the
    earliest one that received rows since the last build (normally just the new load; a backfilled
    old load date rebuilds the later ones too, since their state carries its versions). It reads
    only the versions of the people present in those loads: the window runs over a bounded set. -#}
{{ alicerce.config_incremental_por_carga() }}

with

pessoas as (
    select * from {{ ref('stg_crm__pessoas') }}
),

contatos as (
    select * from {{ ref('stg_crm__pessoas_contatos') }}
),

{% if is_incremental() -%}
-- The earliest load date with rows ingested since this table was last built.
desde as (
    select min(data_carga) as data_carga
    from (
        select data_carga, ingested_at from pessoas
        union all
        select data_carga, ingested_at from contatos
    ) as linhas
    where ingested_at > (
        select coalesce(max(ingested_at), cast('1900-01-01' as timestamp)) from {{ this }}
    )
),
{%- set a_refazer = 'where data_carga >= (select data_carga from desde)' %}
{%- else %}
{%- set a_refazer = '' %}
{%- endif %}

-- Every person with a version (of the person or of a contact) in a load date to rebuild.
presentes as (
    select idpessoa, data_carga from pessoas {{ a_refazer }}
    union
    select idpessoa, data_carga from contatos {{ a_refazer }}
),

-- Each of those loads: its last ingestion (both tables together), and when it happened for the
-- change history: that ingestion, but never after the end of its load date in São Paulo (rows
-- written into an old load date later, a backfill, do not move the load past its day).
ultimas_ingestoes as (
    select data_carga, max(ingested_at) as ingested_at
    from (
        select data_carga, ingested_at from pessoas {{ a_refazer }}
        union all
        select data_carga, ingested_at from contatos {{ a_refazer }}
    ) as linhas
    group by data_carga
),

cargas as (
    select
        data_carga,
        ingested_at,
        least(
            ingested_at,
            {{ alicerce.sao_paulo_naive_to_utc(
                '(cast(data_carga as timestamp) + interval 86399 second)') }}
        ) as carregado_em
    from ultimas_ingestoes
),

alvos as (
    select presentes.idpessoa, cargas.data_carga, cargas.ingested_at, cargas.carregado_em
    from presentes
    inner join cargas on presentes.data_carga = cargas.data_carga
),

-- The people's own versions and their contacts' versions, only for the people present.
versoes_pessoa as (
    select * from pessoas where idpessoa in (select idpessoa from presentes)
),

versoes_contato as (
    select * from contatos where idpessoa in (select idpessoa from presentes)
),

-- The person's latest version loaded at or before each load.
pessoa_na_carga as (
    select
        alvos.idpessoa,
        alvos.data_carga,
        alvos.ingested_at,
        alvos.carregado_em,
        versoes_pessoa.nome,
        versoes_pessoa.rg,
        versoes_pessoa.renda_familiar,
        versoes_pessoa.cep,
        versoes_pessoa.endereco_completo as endereco,
        coalesce(upper(trim(versoes_pessoa.ativo)) in ('N', 'NAO', 'NÃO'), false)
            as pessoa_excluida,
        versoes_pessoa.referencia_data_utc as referencia_data_pessoa,
        versoes_pessoa.data_carga as data_carga_versao_pessoa,
        row_number() over (
            partition by alvos.idpessoa, alvos.data_carga
            order by
                versoes_pessoa.referencia_data_utc desc nulls last,
                versoes_pessoa.ingested_at desc,
                versoes_pessoa.referencia desc
        ) as ordem
    from alvos
    inner join versoes_pessoa
        on alvos.idpessoa = versoes_pessoa.idpessoa
        and versoes_pessoa.data_carga <= alvos.data_carga
),

-- Each contact's latest version loaded at or before each load.
contato_na_carga as (
    select
        alvos.idpessoa,
        alvos.data_carga,
        versoes_contato.referencia,
        versoes_contato.numero_contato,
        versoes_contato.excluido,
        versoes_contato.celular,
        versoes_contato.email,
        versoes_contato.referencia_data_utc,
        versoes_contato.data_carga as data_carga_versao,
        row_number() over (
            partition by alvos.idpessoa, alvos.data_carga, versoes_contato.referencia
            order by
                versoes_contato.referencia_data_utc desc nulls last,
                versoes_contato.ingested_at desc
        ) as ordem
    from alvos
    inner join versoes_contato
        on alvos.idpessoa = versoes_contato.idpessoa
        and versoes_contato.data_carga <= alvos.data_carga
),

-- The person's contacts at the end of each load (a contact the CRM marks deleted is not one).
contatos_vigentes as (
    select * from contato_na_carga
    where ordem = 1 and not coalesce(excluido, false)
),

-- The first contact (by contact number) that has a mobile phone; likewise for e-mail.
primeiro_celular as (
    select
        idpessoa,
        data_carga,
        celular,
        numero_contato as numero_contato_celular,
        referencia_data_utc as referencia_data_celular,
        data_carga_versao as data_carga_versao_celular,
        row_number() over (
            partition by idpessoa, data_carga order by numero_contato asc nulls last, referencia
        ) as ordem
    from contatos_vigentes
    where {{ alicerce.normalizar_valor("'celular'", 'celular') }} is not null
),

primeiro_email as (
    select
        idpessoa,
        data_carga,
        email,
        numero_contato as numero_contato_email,
        referencia_data_utc as referencia_data_email,
        data_carga_versao as data_carga_versao_email,
        row_number() over (
            partition by idpessoa, data_carga order by numero_contato asc nulls last, referencia
        ) as ordem
    from contatos_vigentes
    where {{ alicerce.normalizar_valor("'email'", 'email') }} is not null
),

-- A person enters the history with their first `pessoas` version (contacts alone do not).
estado as (
    select
        pessoa.idpessoa,
        pessoa.nome,
        pessoa.rg,
        pessoa.renda_familiar,
        celular.celular,
        email.email,
        pessoa.cep,
        pessoa.endereco,
        pessoa.pessoa_excluida,
        pessoa.referencia_data_pessoa,
        pessoa.data_carga_versao_pessoa,
        celular.numero_contato_celular,
        celular.referencia_data_celular,
        celular.data_carga_versao_celular,
        email.numero_contato_email,
        email.referencia_data_email,
        email.data_carga_versao_email,
        pessoa.carregado_em,
        pessoa.ingested_at,
        pessoa.data_carga
    from pessoa_na_carga as pessoa
    left join primeiro_celular as celular
        on pessoa.idpessoa = celular.idpessoa
        and pessoa.data_carga = celular.data_carga
        and celular.ordem = 1
    left join primeiro_email as email
        on pessoa.idpessoa = email.idpessoa
        and pessoa.data_carga = email.data_carga
        and email.ordem = 1
    where pessoa.ordem = 1
),

-- The comparable form of each field (macros/cadastro.sql, as on the portal side).
normalizado as (
    select
        idpessoa,
        nome,
        rg,
        renda_familiar,
        celular,
        email,
        cep,
        endereco,
        {%- for campo in ['nome', 'rg', 'renda_familiar', 'celular', 'email', 'cep', 'endereco'] %}
        {{ alicerce.normalizar_valor("'" ~ campo ~ "'", campo) }} as {{ campo }}_normalizado,
        {%- endfor %}
        pessoa_excluida,
        referencia_data_pessoa,
        data_carga_versao_pessoa,
        numero_contato_celular,
        referencia_data_celular,
        data_carga_versao_celular,
        numero_contato_email,
        referencia_data_email,
        data_carga_versao_email,
        carregado_em,
        ingested_at,
        data_carga
    from estado
)

select * from normalizado
