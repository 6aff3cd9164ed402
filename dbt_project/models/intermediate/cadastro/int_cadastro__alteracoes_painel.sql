{#- Changes seen from the CRM side (origem 'painel'): each tracked field of a person compared
    between consecutive loads of the CRM history (int_cadastro__crm_pessoas_por_carga).
    - A person's first appearance is the baseline: nothing is emitted. States where the person's
      row is deleted in the CRM are skipped.
    - A change is a normalised value that differs from the previous load's (formatting alone is not
      a change: macros/cadastro.sql, as on the portal side). The values are shown as received.
    - Dated by the referencia_data of the row that supplies the new value when it moved between the
      two loads (that version arrived in this load and is later than the one that supplied the
      previous value); else by the load that saw it (its carregado_em), flagged data_detectada.
    - A change whose person, field and normalised new value match a real portal change made between
      the previous load and this one (event time after the previous load's carregado_em, at or
      before this load's) is that same change: it stays only as origem 'portal'.
    A table rebuilt every run, not incremental: portal events may land after the CRM load that saw
    their effect, and the matching must see them whenever they arrive. -#}
{{ config(materialized='table', file_format='parquet') }}

{%- set campos = [
    ('nome', 'pessoa'), ('rg', 'pessoa'), ('renda_familiar', 'pessoa'), ('celular', 'celular'),
    ('email', 'email'), ('cep', 'pessoa'), ('endereco', 'pessoa'),
] %}

with

-- A person deleted in the CRM (ativo 'N') has no registration to compare: such states are
-- skipped (their contacts, deleted with them, would otherwise show as removed).
historico as (
    select * from {{ ref('int_cadastro__crm_pessoas_por_carga') }}
    where not coalesce(pessoa_excluida, false)
),

portal as (
    select * from {{ ref('int_cadastro__alteracoes_normalizadas') }}
),

-- One row per person, load and field, with the row (pessoas or contact) that supplied the value.
por_campo as (
    {%- for campo, fonte in campos %}
    select
        idpessoa,
        '{{ campo }}' as campo,
        {{ campo }} as valor,
        {{ campo }}_normalizado as normalizado,
        referencia_data_{{ fonte }} as referencia_data,
        data_carga_versao_{{ fonte }} as data_carga_versao,
        carregado_em,
        data_carga
    from historico
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

consecutivas as (
    select
        *,
        lag(data_carga) over por_pessoa as data_carga_anterior,
        lag(carregado_em) over por_pessoa as carregado_em_anterior,
        lag(valor) over por_pessoa as valor_anterior,
        lag(normalizado) over por_pessoa as anterior_normalizado,
        lag(referencia_data) over por_pessoa as referencia_data_anterior
    from por_campo
    window por_pessoa as (partition by idpessoa, campo order by data_carga)
),

-- The first appearance (no previous load) is the baseline; only real changes go on.
mudancas as (
    select * from consecutivas
    where data_carga_anterior is not null
        and normalizado is distinct from anterior_normalizado
),

datadas as (
    select
        *,
        coalesce(
            referencia_data is not null
            and data_carga_versao = data_carga
            and (referencia_data_anterior is null or referencia_data > referencia_data_anterior),
            false
        ) as referencia_data_moveu
    from mudancas
),

-- The portal's real changes made between the two loads, with the same normalised new value.
coincidentes as (
    select distinct
        datadas.idpessoa,
        datadas.campo,
        datadas.data_carga
    from datadas
    inner join portal
        on datadas.idpessoa = portal.idpessoa
        and datadas.campo = portal.campo
        and datadas.normalizado is not distinct from portal.novo_normalizado
        and portal.alterado_em > datadas.carregado_em_anterior
        and portal.alterado_em <= datadas.carregado_em
    where portal.houve_mudanca
),

painel as (
    select
        {{ dbt.concat([
            "'painel-'", "cast(datadas.idpessoa as " ~ dbt.type_string() ~ ")",
            "'-'", 'datadas.campo',
            "'-'", "cast(datadas.data_carga as " ~ dbt.type_string() ~ ")",
        ]) }} as id_evento,
        datadas.idpessoa,
        datadas.campo,
        datadas.valor_anterior,
        datadas.valor as valor_novo,
        datadas.anterior_normalizado,
        datadas.normalizado as novo_normalizado,
        case
            when datadas.referencia_data_moveu then datadas.referencia_data
            else datadas.carregado_em
        end as alterado_em,
        not datadas.referencia_data_moveu as data_detectada,
        datadas.referencia_data,
        datadas.data_carga_anterior,
        datadas.carregado_em_anterior,
        datadas.carregado_em,
        datadas.data_carga
    from datadas
    left join coincidentes
        on datadas.idpessoa = coincidentes.idpessoa
        and datadas.campo = coincidentes.campo
        and datadas.data_carga = coincidentes.data_carga
    where coincidentes.idpessoa is null
)

select * from painel
