
    select id_evento, campo, count(*) as n
    from marts.alteracoes_cadastrais
    group by id_evento, campo
    having count(*) > 1
