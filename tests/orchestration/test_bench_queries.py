"""The benchmark's report queries run the page's query through data_access, as each viewer."""

from __future__ import annotations

from datetime import date

from ingestion.settings import Settings
from orchestration.lib.bench import MemorySampler, _report_queries
from tests.dashboards.conftest import ALTERACOES, PUBLICADO_EM, escrever_publicacao


def test_report_queries_as_gestor_and_as_the_busiest_broker(settings: Settings):
    escrever_publicacao(settings.published_dir, ALTERACOES, PUBLICADO_EM, "run-bench")
    with MemorySampler() as sampler:
        stages = _report_queries(settings, sampler, reference=date(2026, 11, 20))
    # October 2026: ev-006 (1002), ev-007 (1003), ev-008 (1001). Broker 102 has the most clients
    # in CARTEIRA (1001 and 1002), so their query sees two of the three.
    assert [(stage.name, stage.rows) for stage in stages] == [
        ("report query (mês anterior, gestor)", 3),
        ("report query (mês anterior, corretor 102)", 2),
    ]
    assert all(stage.seconds > 0 for stage in stages)
