"""The alçada rules file: every mistake refused with a message that names the rule, the cycle and
the problem; which rule judges a sale; the what-if command on the reference's worked example."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from ingestion.alcadas.rules import Rules, RulesError, load_rules
from ingestion.settings import PROJECT_ROOT

SERIES = {"Ato": {"periodicidade": "unica"}, "Mensal": {"periodicidade": "mensal"}}
EXAMPLE = PROJECT_ROOT / "docs" / "alcadas" / "fluxo_exemplo.yml"


def _cycle(name: str, months: int, anchor: str, percent) -> dict:
    return {"nome": name, "fim": {"meses": months, "apos": anchor}, "percentual": percent}


def _rule(name: str = "Aurora", **changes) -> dict:
    return {
        "nome": name,
        "empreendimento": 1,
        "vigencia": "2024-01-01",
        "ciclos": [
            _cycle("Entrada", 1, "venda", 10),
            _cycle("Primeiro ano", 12, "venda", 20),
            _cycle("Chaves", 0, "chaves", 30),
        ],
    } | changes


def _write(tmp_path: Path, *rules: dict) -> Path:
    path = tmp_path / "regras.yml"
    path.write_text(yaml.safe_dump({"series": SERIES, "regras": list(rules)}), encoding="utf-8")
    return path


def _refused(tmp_path: Path, *rules: dict) -> str:
    with pytest.raises(RulesError) as refused:
        load_rules(_write(tmp_path, *rules))
    return str(refused.value)


def test_the_bundled_rules_file_is_valid():
    rules = load_rules(PROJECT_ROOT / "ingestion" / "alcadas" / "regras.yml")
    assert max(len(rule.ciclos) for rule in rules.regras) == 10
    assert not rules.series_named("Financiamento").counts
    assert rules.series_named(" mensal").months == 1


def test_eleven_cycles_are_refused(tmp_path):
    cycles = [_cycle(f"C{k}", k, "venda", k) for k in range(1, 12)]
    message = _refused(tmp_path, _rule(ciclos=cycles))
    assert "rule 'Aurora': 11 cycles; a rule has 1 to 10" in message


def test_ends_that_do_not_increase_are_refused(tmp_path):
    rule = _rule()
    rule["ciclos"][1] = _cycle("Primeiro ano", 1, "venda", 20)
    message = _refused(tmp_path, rule)
    assert "rule 'Aurora', cycle 2 ('Primeiro ano'): end 1 months after venda" in message
    assert "ends must increase" in message


def test_a_sale_anchored_cycle_after_a_keys_one_is_refused(tmp_path):
    rule = _rule()
    rule["ciclos"].append(_cycle("Depois", 24, "venda", 40))
    message = _refused(tmp_path, rule)
    assert "rule 'Aurora', cycle 4 ('Depois')" in message
    assert "sale-anchored cycles come first" in message


def test_decreasing_percentages_are_refused(tmp_path):
    rule = _rule()
    rule["ciclos"][2] = _cycle("Chaves", 0, "chaves", 15)
    message = _refused(tmp_path, rule)
    assert "rule 'Aurora', cycle 3 ('Chaves'): percentual 15 is below the previous" in message


@pytest.mark.parametrize("percent", [-1, 100.5])
def test_percentages_outside_0_100_are_refused(tmp_path, percent):
    rule = _rule()
    rule["ciclos"][0] = _cycle("Entrada", 1, "venda", percent)
    message = _refused(tmp_path, rule)
    assert f"rule 'Aurora', cycle 1 ('Entrada'): percentual {percent} is outside 0–100" in message


def test_a_percentage_with_three_decimals_is_refused(tmp_path):
    rule = _rule()
    rule["ciclos"][0] = _cycle("Entrada", 1, "venda", "10.125")
    assert "has more than 2 decimal places" in _refused(tmp_path, rule)


def test_an_unknown_scope_is_refused(tmp_path):
    rule = _rule()
    del rule["empreendimento"]
    rule["bloco"] = 3
    message = _refused(tmp_path, rule)
    assert "rule 'Aurora': unknown scope or field 'bloco'" in message


def test_a_rule_without_scope_is_refused(tmp_path):
    rule = _rule()
    del rule["empreendimento"]
    assert "rule 'Aurora': no scope (give empreendimento and/or tabela)" in _refused(tmp_path, rule)


def test_two_versions_of_one_scope_on_one_date_are_refused(tmp_path):
    message = _refused(tmp_path, _rule("Aurora"), _rule("Aurora bis"))
    assert (
        "rule 'Aurora bis': same scope (empreendimento 1) and effective date 2024-01-01 as "
        "rule 'Aurora'"
    ) in message


def test_a_cycle_field_error_names_the_rule_and_the_cycle(tmp_path):
    rule = _rule()
    rule["ciclos"][1]["fim"]["apos"] = "habite-se"
    message = _refused(tmp_path, rule)
    assert "rule 'Aurora', cycle 2: fim.apos:" in message


def test_scopes_the_crm_does_not_have_are_named():
    rules = Rules.model_validate(
        {"series": SERIES, "regras": [_rule(), _rule("T9", empreendimento=None, tabela=9)]}
    )
    assert rules.unknown_scopes({1}, {9}) == []
    assert rules.unknown_scopes({2}, set()) == [
        "rule 'Aurora': unknown scope: no empreendimento 1 in the CRM",
        "rule 'T9': unknown scope: no price table 9 in the CRM",
    ]


def test_the_rule_in_force_on_the_sale_date_and_the_price_table_first():
    rules = Rules.model_validate(
        {
            "series": SERIES,
            "regras": [
                _rule("E1 2024"),
                _rule("E1 2025", vigencia="2025-03-10"),
                _rule("T7", empreendimento=None, tabela=7),
                _rule("E1 T7", tabela=7, vigencia="2024-06-01"),
            ],
        }
    )
    assert rules.in_force(1, None, date(2025, 3, 9)).nome == "E1 2024"
    assert rules.in_force(1, None, date(2025, 3, 10)).nome == "E1 2025"
    assert rules.in_force(1, 7, date(2024, 5, 31)).nome == "T7"
    assert rules.in_force(1, 7, date(2026, 1, 1)).nome == "E1 T7"
    assert rules.in_force(2, 7, date(2026, 1, 1)).nome == "T7"
    assert rules.in_force(1, 8, date(2023, 12, 31)) is None


def _alicerce(*args: str) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "alicerce"
    return subprocess.run([str(executable), *args], capture_output=True, text=True, check=False)


def test_the_what_if_command_on_the_worked_example():
    table = _alicerce("alcadas", "check", "--flow", str(EXAMPLE))
    assert table.returncode == 0, table.stderr
    assert "status: requer_alcada_superior" in table.stdout
    assert "primeiro ciclo não atendido: 2 (Primeiro ano), falta R$ 5.000,00" in table.stdout
    assert "R$ 280.000,00; contrato: R$ 300.000,00 (difere do contrato)" in table.stdout
    judged = json.loads(
        _alicerce("alcadas", "check", "--flow", str(EXAMPLE), "--format", "json").stdout
    )
    assert [(c["ciclo"], c["percentual_atingido_bp"], c["atendido"]) for c in judged["ciclos"]] == [
        (1, 1042, True),
        (2, 1833, False),
        (3, 2792, False),
    ]
    assert judged["fluxo_difere_do_contrato"] is True
    assert judged["total_fluxo"] == "280000.00"


def test_the_what_if_command_refuses_a_bad_rules_file(tmp_path):
    cycles = [_cycle(f"C{k}", k, "venda", k) for k in range(1, 12)]
    refused = _alicerce(
        "alcadas",
        "check",
        "--flow",
        str(EXAMPLE),
        "--rules",
        str(_write(tmp_path, _rule(ciclos=cycles))),
    )
    assert refused.returncode == 2
    assert "11 cycles" in refused.stderr


def test_a_proposal_with_absurd_installments_is_refused(tmp_path):
    proposal = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    proposal["series"][1]["parcelas"] = 10**9
    path = tmp_path / "fluxo.yml"
    path.write_text(yaml.safe_dump(proposal), encoding="utf-8")
    refused = _alicerce("alcadas", "check", "--flow", str(path))
    assert refused.returncode == 2
    assert "series.1.parcelas" in refused.stderr
