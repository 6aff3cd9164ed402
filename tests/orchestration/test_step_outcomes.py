"""A run where a step was skipped is not a success for us, though Dagster calls it one."""

from __future__ import annotations

import dagster as dg

from orchestration.lib.pipeline_run import _step_timings


def test_a_skipped_step_counts_as_a_failure():
    # The shape of the Spark incident: dbt built a model but its event was lost, so dagster-dbt
    # yielded no output for it and the publication downstream was skipped.
    @dg.asset(output_required=False)
    def modelo():
        if False:
            yield dg.Output(1)

    @dg.asset(deps=[modelo])
    def publicacao():
        return 2

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([modelo, publicacao], instance=instance, raise_on_error=False)
        steps, failures = _step_timings(instance.all_logs(result.run_id))
    assert result.success  # Dagster's view
    assert [step.step for step in steps] == ["modelo"]
    assert failures == ['publicacao: skipped (Skipped execution of step "publicacao".)']
