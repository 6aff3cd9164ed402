{#- Every CRM record a survey protocol can point to, for the record page ("Registro"). -#}
select * from {{ ref('int_crm__registros') }}
