with

versoes as (
    select * from staging.stg_crm__pessoas
),

ranked as (
    select
        *,
        row_number() over (
            partition by idpessoa order by referencia_data_utc desc, ingested_at desc
        ) as versao_desc
    from versoes
),

atual as (
    select * from ranked where versao_desc = 1
)

select * from atual