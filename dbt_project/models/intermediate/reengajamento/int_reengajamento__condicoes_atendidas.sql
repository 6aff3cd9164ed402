{#- Which person meets which condition of which segment: one row per (segment, condition, person)
    that holds, with the person's value as shown in the reason (motivo). Conditions are generic:
    the attribute's value is compared with the listed value(s) by the operator, so a new segment
    needs only the YAML. `em` and `alterado_no_periodo` hold when any listed value matches (one
    row per value); `entre` includes both ends; an absent value meets no condition, != included. -#}
with

condicoes as (
    select * from {{ ref('stg_reengajamento__condicoes') }}
),

valores as (
    select condicoes.*, atributos.idpessoa,
        atributos.numero as valor_numero,
        atributos.booleano as valor_booleano,
        atributos.texto as valor_texto
    from condicoes
    inner join {{ ref('int_reengajamento__atributos') }} as atributos
        on condicoes.atributo = atributos.atributo
    union all
    select condicoes.*, atributos.idpessoa,
        atributos.numero as valor_numero,
        atributos.booleano as valor_booleano,
        atributos.texto as valor_texto
    from condicoes
    inner join {{ ref('int_reengajamento__atributos_periodo') }} as atributos
        on condicoes.segmento = atributos.segmento and condicoes.atributo = atributos.atributo
),

atendidas as (
    select
        segmento,
        posicao,
        atributo,
        idpessoa,
        case
            when valor_numero is not null and valor_numero = floor(valor_numero)
                then cast(cast(valor_numero as bigint) as {{ dbt.type_string() }})
            when valor_numero is not null
                then cast(cast(valor_numero as decimal(18, 2)) as {{ dbt.type_string() }})
            when valor_booleano then 'sim'
            when not valor_booleano then 'não'
            else valor_texto
        end as valor_exibido
    from valores
    where
        case operador
            when '=' then coalesce(
                valor_numero = numero, valor_booleano = booleano, valor_texto = texto, false)
            when 'em' then coalesce(valor_numero = numero, valor_texto = texto, false)
            when 'alterado_no_periodo' then coalesce(valor_texto = texto, false)
            when '!=' then coalesce(
                valor_numero <> numero, valor_booleano <> booleano, valor_texto <> texto, false)
            when '<' then coalesce(valor_numero < numero, false)
            when '<=' then coalesce(valor_numero <= numero, false)
            when '>' then coalesce(valor_numero > numero, false)
            when '>=' then coalesce(valor_numero >= numero, false)
            when 'entre' then coalesce(valor_numero between numero and numero_ate, false)
            else false
        end
)

select
    segmento,
    posicao,
    atributo,
    idpessoa,
    {{ alicerce.join_text('valor_exibido', 'valor_exibido', "', '") }} as valores
from atendidas
group by segmento, posicao, atributo, idpessoa
