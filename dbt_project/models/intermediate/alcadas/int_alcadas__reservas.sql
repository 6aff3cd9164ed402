{#- Every current reservation (not deleted in the CRM) with the dates the alçada rules read
    (DESIGN.md, "Alçadas"): the sale date is data_venda, else data_contrato, else the day it was
    registered (São Paulo); the keys month is the reservation's data_entrega_chaves_contrato_cliente,
    else its unit's data_entrega_chaves. Months as integer indexes (macros/alcadas.sql). -#}
with

reservas as (
    select * from {{ ref('int_crm__reservas_atual') }}
    where not excluido and not removido_no_crm
),

unidades as (
    select idunidade, data_entrega_chaves
    from {{ ref('int_crm__unidades_atual') }}
    where not excluido and not removido_no_crm
),

datas as (
    select
        reservas.*,
        coalesce(
            reservas.data_venda,
            reservas.data_contrato,
            cast({{ alicerce.utc_to_sao_paulo('reservas.data_cad_utc') }} as date)
        ) as data_venda_regra,
        coalesce(
            reservas.data_entrega_chaves_contrato_cliente, unidades.data_entrega_chaves
        ) as data_chaves_regra
    from reservas
    left join unidades on cast(unidades.idunidade as bigint) = reservas.idunidade
)

select
    idreserva,
    idempreendimento,
    empreendimento,
    idtabela,
    nometabela,
    idcliente,
    cliente,
    idcorretor,
    idimobiliaria,
    situacao,
    valor_contrato,
    data_venda_regra as data_venda,
    data_chaves_regra as data_entrega_chaves,
    {{ alicerce.indice_mes('data_venda_regra') }} as mes_venda,
    {{ alicerce.indice_mes('data_chaves_regra') }} as mes_chaves
from datas
