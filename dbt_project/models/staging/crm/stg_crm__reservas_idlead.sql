{#- The leads of a reservation: `reservas.idlead` is a comma-separated list ("168523,4322").
    One row per element of each version's list; empty elements ("1,,2") are left out, an element
    that is not an integer is NULL with its flag. `posicao` is the element's place in the list as
    written (1 = first). Join to the object's versions or current state on (referencia,
    referencia_data_utc). -#}
{{ alicerce.crm_lista_de_ids(ref('stg_crm__reservas'), 'idreserva', 'idlead', 'idlead') }}
