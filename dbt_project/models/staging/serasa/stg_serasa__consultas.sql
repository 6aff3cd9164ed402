{#- Every Serasa call as landed, typed: one row per call and load date (a call exported again
    appears under each load date; int_serasa__consultas keeps the latest). Timestamps are UTC.
    A documento_normalizado that is not valid JSON becomes NULL with documento_invalido set. -#}
with

source as (
    select * from {{ source('serasa', 'consultas') }}
),

typed as (
    select
        cast(id_consulta as string) as id_consulta,
        cast(id_solicitacao as string) as id_solicitacao,
        cast(formato as string) as formato,
        cast(painel as string) as painel,
        cast(usuario as string) as usuario,
        cast(idusuario as bigint) as idusuario,
        cast(chave as string) as chave,
        cast(idpessoa as bigint) as idpessoa,
        cast(documento_hash as string) as documento_hash,
        cast(tipo_pessoa as string) as tipo_pessoa,
        cast(relatorios as string) as relatorios,
        cast(report_name as string) as report_name,
        cast(optional_features as string) as optional_features,
        cast(resultado as string) as resultado,
        cast(http_status as int) as http_status,
        cast(latencia_ms as int) as latencia_ms,
        cast(cobrada as boolean) as cobrada,
        cast(renovacoes_token as int) as renovacoes_token,
        cast(motivo as string) as motivo,
        cast(solicitado_em as timestamp) as solicitado_em,
        cast(consultado_em as timestamp) as consultado_em,
        cast(id_consulta_reutilizada as string) as id_consulta_reutilizada,
        cast(resposta as string) as resposta,
        cast(documento_normalizado as string) as documento_normalizado,
        cast(dt as date) as data_carga
    from source
    where id_consulta is not null
),

checked as (
    select
        *,
        coalesce({{ alicerce.json_is_valid('relatorios') }}, false) as relatorios_json,
        coalesce({{ alicerce.json_is_valid('documento_normalizado') }}, false) as documento_json
    from typed
)

select
    id_consulta,
    id_solicitacao,
    formato,
    painel,
    usuario,
    idusuario,
    chave,
    idpessoa,
    documento_hash,
    tipo_pessoa,
    relatorios,
    case
        when relatorios_json then {{ alicerce.json_string_list_join('relatorios', "', '") }}
        else relatorios
    end as relatorios_texto,
    report_name,
    optional_features,
    resultado,
    http_status,
    latencia_ms,
    cobrada,
    renovacoes_token,
    motivo,
    solicitado_em,
    consultado_em,
    id_consulta_reutilizada,
    resposta,
    case when documento_json then documento_normalizado end as documento_normalizado,
    documento_normalizado is not null and not documento_json as documento_invalido,
    data_carga
from checked
