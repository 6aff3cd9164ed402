"""Re-engagement segments in YAML: the bundled examples, and the message for each mistake."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.reengajamento.segments import SegmentsError, load_segments, write_segments
from ingestion.settings import Settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "segmentos.yml"
    path.write_text(text, encoding="utf-8")
    return path


def segment(conditions: str, combination: str = "todas", extra: str = "") -> str:
    return (
        "segmentos:\n"
        "  - nome: teste\n"
        "    descricao: Um segmento de teste\n"
        f"{extra}"
        f"    {combination}:\n"
        f"{conditions}"
    )


def test_bundled_file_has_the_issues_examples():
    segments = load_segments(Settings().segments_file)
    by_name = {s.nome: s for s in segments.segmentos}
    assert set(by_name) == {
        "recusa_recorrente", "contato_alterado", "devidos_sem_login", "renda_alterada",
    }  # fmt: skip
    recusa = by_name["recusa_recorrente"]
    assert recusa.combinacao == "todas"
    assert [(c.atributo, c.operador.value, c.values()) for c in recusa.condicoes] == [
        ("devida", "=", (True,)),
        ("recusas_desde_devida", ">=", (Decimal(3),)),
    ]
    assert by_name["contato_alterado"].condicoes[0].values() == ("email", "celular")
    assert by_name["renda_alterada"].combinacao == "alguma"
    assert by_name["renda_alterada"].periodo_dias == 90


def test_every_operator_on_its_kind(tmp_path: Path):
    segments = load_segments(
        write(
            tmp_path,
            segment(
                "      - {atributo: dias_em_atraso, operador: entre, valor: [30, 90]}\n"
                "      - {atributo: logins_desde_devida, operador: em, valor: [0, 1]}\n"
                "      - {atributo: classificacao, operador: '!=', valor: ' Ouro '}\n"
                "      - {atributo: sem_login_desde_ativacao, operador: '=', valor: false}\n"
                "      - {atributo: variacao_renda_pct, operador: '<=', valor: -12.5}\n",
                combination="alguma",
            ),
        )
    )
    (only,) = segments.segmentos
    assert [c.values() for c in only.condicoes] == [
        (Decimal(30), Decimal(90)), (Decimal(0), Decimal(1)), ("Ouro",), (False,),
        (Decimal("-12.5"),),
    ]  # fmt: skip
    assert only.periodo_dias == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            segment("      - {atributo: idade, operador: '>', valor: 3}\n"),
            "segment 'teste', condition 1 of todas: unknown atributo 'idade'",
        ),
        (
            segment("      - {atributo: devida, operador: '>', valor: true}\n"),
            "operador '>' does not apply to devida (booleano; use =)",
        ),
        (
            segment("      - {atributo: recusas_desde_devida, operador: '>=', valor: tres}\n"),
            "recusas_desde_devida compares with a number, not 'tres'",
        ),
        (
            segment("      - {atributo: dias_em_atraso, operador: entre, valor: [.nan, 3]}\n"),
            "dias_em_atraso compares with a number, not nan",
        ),
        (
            segment("      - {atributo: dias_em_atraso, operador: '>', valor: .inf}\n"),
            "dias_em_atraso compares with a number, not inf",
        ),
        (
            segment("      - {atributo: devida, operador: '=', valor: 'sim'}\n"),
            "devida is true or false, not 'sim'",
        ),
        (
            segment("      - {atributo: dias_em_atraso, operador: entre, valor: [90, 30]}\n"),
            "entre needs [low, high] with low <= high",
        ),
        (
            segment("      - {atributo: dias_em_atraso, operador: em, valor: 3}\n"),
            "em needs a list of values",
        ),
        (
            segment("      - {atributo: dias_em_atraso, operador: '=', valor: [3]}\n"),
            "= compares with one value, not a list",
        ),
        (
            segment(
                "      - {atributo: campos_alterados, operador: alterado_no_periodo, "
                "valor: [email, telefone]}\n"
            ),
            "unknown field 'telefone'",
        ),
        (
            segment("      - {atributo: campos_alterados, operador: '=', valor: email}\n"),
            "operador '=' does not apply to campos_alterados",
        ),
        (
            segment("      - {atributo: dias_em_atraso, operador: parecido, valor: 3}\n"),
            "condition 1 of todas, operador: Input should be",
        ),
        (
            segment(
                "      - {atributo: devida, operador: '=', valor: true}\n", extra="    alguma: []\n"
            ),
            "give the conditions under exactly one of todas or alguma",
        ),
        (
            segment("      []\n").replace("    todas:\n      []", "    todas: []"),
            "list at least one condition",
        ),
        (
            segment(
                "      - {atributo: devida, operador: '=', valor: true}\n",
                extra="    periodo_dias: 0\n",
            ),
            "segment 'teste', periodo_dias: Input should be greater than or equal to 1",
        ),
        (
            "segmentos:\n"
            "  - {nome: a, descricao: x,\n"
            "     todas: [{atributo: devida, operador: '=', valor: true}]}\n"
            "  - {nome: a, descricao: y,\n"
            "     todas: [{atributo: devida, operador: '=', valor: true}]}\n",
            "segment names must be unique: a repeated",
        ),
        (
            "segmentos:\n"
            "  - {nome: Com Espaco, descricao: x, "
            "todas: [{atributo: devida, operador: '=', valor: true}]}\n",
            "segment 'Com Espaco', nome: String should match pattern",
        ),
        (
            segment("      - {atributo: dias_sem_login, operador: '>', valor: 1.23456}\n"),
            "dias_sem_login: 1.23456 has more than 4 decimal places or is too large",
        ),
        ("segmentos: []\n", "list at least one segment"),
        ("segmentos: [\n", "not valid YAML"),
    ],
)
def test_each_mistake_has_its_message(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(SegmentsError) as raised:
        load_segments(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_at_most_twenty_conditions(tmp_path: Path):
    condition = "      - {atributo: devida, operador: '=', valor: true}\n"
    with pytest.raises(SegmentsError, match="todas: Tuple should have at most 20 items"):
        load_segments(write(tmp_path, segment(condition * 21)))


def test_a_missing_file_says_so(tmp_path: Path):
    with pytest.raises(SegmentsError, match="cannot read the segments file"):
        load_segments(tmp_path / "nao-existe.yml")


def test_written_to_the_lake_one_row_per_listed_value(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    text = segment(
        "      - {atributo: devida, operador: '=', valor: true}\n"
        "      - {atributo: dias_sem_login, operador: entre, valor: [30, 60.5]}\n"
        "      - {atributo: classificacao, operador: em, valor: [Ouro, Prata]}\n"
        "      - {atributo: campos_alterados, operador: alterado_no_periodo, valor: [email]}\n",
        combination="alguma",
        extra="    periodo_dias: 45\n",
    )
    segments = load_segments(write(tmp_path, text))
    write_segments(settings, segments, "2026-11-26")
    files = write_segments(settings, segments, "2026-11-27")

    folder = settings.raw_dir / "reengajamento" / "segmentos_condicoes"
    assert [p.name for p in folder.iterdir()] == ["dt=2026-11-27"]  # the older snapshot is gone
    assert duckdb.sql(
        f"from read_parquet('{files['segmentos']}', hive_partitioning = false)"
    ).fetchall() == [("teste", "Um segmento de teste", 45, "alguma", 4)]
    assert duckdb.sql(
        f"from read_parquet('{files['segmentos_condicoes']}', hive_partitioning = false)"
    ).fetchall() == [
        ("teste", 1, "devida", "=", None, None, True, None),
        ("teste", 2, "dias_sem_login", "entre", 30.0, 60.5, None, None),
        ("teste", 3, "classificacao", "em", None, None, None, "Ouro"),
        ("teste", 3, "classificacao", "em", None, None, None, "Prata"),
        ("teste", 4, "campos_alterados", "alterado_no_periodo", None, None, None, "email"),
    ]
