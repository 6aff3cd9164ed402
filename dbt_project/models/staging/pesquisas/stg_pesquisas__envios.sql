{#- Every survey dispatch, with its month (São Paulo) for the protocol linking's partitions. -#}
with

source as (
    select * from {{ source('pesquisas', 'envios') }}
),

renamed as (
    select
        idenvio,
        idpesquisa,
        gatilho,
        idorigem,
        idservico,
        idpessoa,
        enviado_em_utc as enviado_em,
        {{ alicerce.month_start('cast(' ~ alicerce.utc_to_sao_paulo('enviado_em_utc') ~ ' as date)') }}
            as mes_envio,
        cast(dt as date) as data_carga,
        ingested_at
    from source
    where idenvio is not null
)

select * from renamed
