"""Vectorised validation of portal event lines (docs/sources.md, "Portal events").

DuckDB's JSON functions check every line of a file in one SQL statement: no Python loop per line,
so ten million lines stay fast. The result has one row per non-blank line: the parsed columns and
`reason` (NULL when the line is valid).
"""

from __future__ import annotations

from ingestion.jsonl import parsed_lines_sql
from ingestion.portal.contract import PortalContract

ADDRESS_PARTS = ("logradouro", "numero", "complemento", "bairro", "cidade", "uf")

_SCALAR_TYPES = "('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'NULL')"
_INTEGER_TYPES = "('BIGINT', 'UBIGINT')"
_OFFSET_PATTERN = r"[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$"


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _missing(field: str) -> str:
    return f"(t_{field} is null or t_{field} = 'NULL')"


def _address_ok(value: str) -> str:
    """An address value: JSON null, or an object of known parts, each a string or null."""
    part_checks = " and ".join(
        f"coalesce(json_type({value}, '$.{part}'), 'NULL') in ('VARCHAR', 'NULL')"
        for part in ADDRESS_PARTS
    )
    return (
        f"(json_type({value}) = 'NULL' or (json_type({value}) = 'OBJECT' "
        f"and list_has_all({_sql_list(ADDRESS_PARTS)}, json_keys({value})) and {part_checks}))"
    )


def _change_element_reason(tracked_fields: tuple[str, ...]) -> str:
    """Reason for one element of `changes` (NULL when valid)."""
    shape_ok = (
        "json_type(elem) = 'OBJECT' and json_type(elem, '$.campo') = 'VARCHAR' "
        "and json_type(elem, '$.valor_anterior') is not null "
        "and json_type(elem, '$.valor_novo') is not null"
    )
    value_ok = (
        f"case when campo = 'endereco' "
        f"then {_address_ok('va')} and {_address_ok('vn')} "
        f"else json_type(va) in {_SCALAR_TYPES} and json_type(vn) in {_SCALAR_TYPES} end"
    )
    return f"""
        case
            when not ({shape_ok}) then 'bad_change'
            when not list_contains({_sql_list(tracked_fields)}, campo)
                then 'unknown_field:' || campo
            when not ({value_ok}) then 'bad_change'
            when campo_rank > 1 then 'repeated_field:' || campo
        end"""


def validation_sql(lines_relation: str, contract: PortalContract) -> str:
    """SQL over a relation (file_no, line_no, raw BLOB with or without its line end) that parses
    and judges each line: one row per non-blank line, `reason` NULL when it is valid."""
    head = parsed_lines_sql(
        lines_relation,
        ("event_id", "event_type", "idpessoa", "occurred_at", "channel", "changes"),
    )
    return f"""{head},
fields as materialized (
    select
        file_no, line_no, line, j,
        json_type(v[1]) as t_event_id,
        json_type(v[2]) as t_event_type,
        json_type(v[3]) as t_idpessoa,
        json_type(v[4]) as t_occurred_at,
        json_type(v[5]) as t_channel,
        json_type(v[6]) as t_changes,
        v[1] ->> '$' as event_id,
        v[2] ->> '$' as event_type,
        v[3] as idpessoa_json,
        v[4] ->> '$' as occurred_at,
        try_cast(v[4] ->> '$' as timestamptz) as occurred_ts,
        v[5] ->> '$' as channel,
        v[6] as changes
    from parsed
),
change_elements as (
    select
        file_no,
        line_no,
        elem_no,
        elem,
        json_extract_string(elem, '$.campo') as campo,
        json_extract(elem, '$.valor_anterior') as va,
        json_extract(elem, '$.valor_novo') as vn
    from (
        select
            file_no, line_no, unnest(range(json_array_length(changes)::bigint)) as elem_no, changes
        from fields
        where t_changes = 'ARRAY' and event_type = 'update_completed'
    ) as exploded,
        lateral (select json_extract(changes, '$[' || elem_no || ']') as elem)
),
change_reasons as (
    select file_no, line_no, arg_min(reason, elem_no) as reason
    from (
        select
            file_no, line_no, elem_no,
            {_change_element_reason(contract.tracked_fields)} as reason
        from (
            select *,
                row_number() over (partition by file_no, line_no, campo order by elem_no)
                    as campo_rank
            from change_elements
        )
    )
    where reason is not null
    group by file_no, line_no
),
judged as (
    select
        f.*,
        case
            when f.line is null then 'invalid_utf8'
            when f.j is null then 'invalid_json'
            when {_missing("event_id")} or trim(f.event_id) = '' then 'missing_field:event_id'
            when {_missing("event_type")} then 'missing_field:event_type'
            when {_missing("idpessoa")} then 'missing_field:idpessoa'
            when {_missing("occurred_at")} then 'missing_field:occurred_at'
            when {_missing("channel")} or trim(f.channel) = '' then 'missing_field:channel'
            when f.t_event_id <> 'VARCHAR' then 'bad_type:event_id'
            when f.t_event_type <> 'VARCHAR' then 'bad_type:event_type'
            when f.t_idpessoa not in {_INTEGER_TYPES} then 'bad_type:idpessoa'
            when f.t_occurred_at <> 'VARCHAR' then 'bad_type:occurred_at'
            when f.t_channel <> 'VARCHAR' then 'bad_type:channel'
            when not list_contains({_sql_list(contract.event_types)}, f.event_type)
                then 'unknown_event_type:' || f.event_type
            when not regexp_matches(f.occurred_at, '{_OFFSET_PATTERN}')
                then 'missing_offset:occurred_at'
            when f.occurred_ts is null then 'bad_timestamp:occurred_at'
            when f.event_type <> 'update_completed' and f.t_changes is not null
                and f.t_changes <> 'NULL' then 'changes_not_allowed'
            when f.event_type = 'update_completed' and {_missing("changes")}
                then 'missing_field:changes'
            when f.event_type = 'update_completed' and f.t_changes <> 'ARRAY'
                then 'bad_type:changes'
            else c.reason
        end as reason
    from fields as f
    left join change_reasons as c using (file_no, line_no)
)
select
    file_no,
    line_no,
    reason,
    event_id,
    event_type,
    case when reason is null then idpessoa_json::bigint end as idpessoa,
    occurred_at,
    case when reason is null then occurred_ts at time zone 'UTC' end as occurred_at_utc,
    channel,
    case when reason is null and t_changes = 'ARRAY' then changes::varchar end as changes,
    case when reason is null then md5(line) end as content_hash
from judged
"""
