"""Vectorised validation of portal event lines (docs/sources.md, "Portal events").

DuckDB's JSON functions check every line of a file in one SQL statement: no Python loop per line,
so ten million lines stay fast. The result has one row per non-blank line: the parsed columns and
`reason` (NULL when the line is valid).
"""

from __future__ import annotations

EVENT_TYPES = ("login", "update_prompt_shown", "update_declined", "update_completed")
TRACKED_FIELDS = ("nome", "rg", "renda_familiar", "celular", "email", "cep", "endereco")
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


def _change_element_reason() -> str:
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
            when not list_contains({_sql_list(TRACKED_FIELDS)}, campo)
                then 'unknown_field:' || campo
            when not ({value_ok}) then 'bad_change'
            when campo_rank > 1 then 'repeated_field:' || campo
        end"""


def validation_sql(lines_relation: str) -> str:
    """SQL over a relation (line_no BIGINT, raw BLOB) that parses and judges each line."""
    return f"""
with decoded as (
    select line_no, raw, try(decode(rtrim(raw::varchar, chr(13))::blob)) as line
    from {lines_relation}
),
nonblank as (
    select * from decoded where line is null or trim(line) <> ''
),
parsed as (
    select
        line_no, raw, line,
        case when json_valid(line) and json_type(line) = 'OBJECT' then json(line) end as j
    from nonblank
),
fields as (
    select
        *,
        json_type(j, '$.event_id') as t_event_id,
        json_type(j, '$.event_type') as t_event_type,
        json_type(j, '$.idpessoa') as t_idpessoa,
        json_type(j, '$.occurred_at') as t_occurred_at,
        json_type(j, '$.channel') as t_channel,
        json_type(j, '$.changes') as t_changes,
        json_extract_string(j, '$.event_id') as event_id,
        json_extract_string(j, '$.event_type') as event_type,
        json_extract_string(j, '$.occurred_at') as occurred_at,
        json_extract_string(j, '$.channel') as channel,
        json_extract(j, '$.changes') as changes
    from parsed
),
change_elements as (
    select
        line_no,
        elem_no,
        elem,
        json_extract_string(elem, '$.campo') as campo,
        json_extract(elem, '$.valor_anterior') as va,
        json_extract(elem, '$.valor_novo') as vn
    from (
        select line_no, unnest(range(json_array_length(changes)::bigint)) as elem_no, changes
        from fields
        where t_changes = 'ARRAY' and event_type = 'update_completed'
    ) as exploded,
        lateral (select json_extract(changes, '$[' || elem_no || ']') as elem)
),
change_reasons as (
    select line_no, arg_min(reason, elem_no) as reason
    from (
        select line_no, elem_no, {_change_element_reason()} as reason
        from (
            select *, row_number() over (partition by line_no, campo order by elem_no) as campo_rank
            from change_elements
        )
    )
    where reason is not null
    group by line_no
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
            when not list_contains({_sql_list(EVENT_TYPES)}, f.event_type)
                then 'unknown_event_type:' || f.event_type
            when not regexp_matches(f.occurred_at, '{_OFFSET_PATTERN}')
                then 'missing_offset:occurred_at'
            when try_cast(f.occurred_at as timestamptz) is null then 'bad_timestamp:occurred_at'
            when f.event_type <> 'update_completed' and f.t_changes is not null
                and f.t_changes <> 'NULL' then 'changes_not_allowed'
            when f.event_type = 'update_completed' and {_missing("changes")}
                then 'missing_field:changes'
            when f.event_type = 'update_completed' and f.t_changes <> 'ARRAY'
                then 'bad_type:changes'
            else c.reason
        end as reason
    from fields as f
    left join change_reasons as c using (line_no)
)
select
    line_no,
    raw,
    line,
    reason,
    event_id,
    event_type,
    case when reason is null then json_extract(j, '$.idpessoa')::bigint end as idpessoa,
    occurred_at,
    case when reason is null
        then try_cast(occurred_at as timestamptz) at time zone 'UTC' end as occurred_at_utc,
    channel,
    case when reason is null and t_changes = 'ARRAY' then changes::varchar end as changes,
    case when reason is null then md5(j::varchar) end as content_hash
from judged
"""
