{#- The people segments may list: the CRM's current people, less those it deleted (nobody to
    contact). -#}
select idpessoa, classificacao, renda_familiar_valor
from {{ ref('int_crm__pessoas_atual') }}
where coalesce({{ alicerce.crm_para_booleano('ativo') }}, true)
