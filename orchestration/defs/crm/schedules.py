import dagster as dg

from orchestration.defs.crm.assets import SWEEP_TAG
from orchestration.defs.pipeline.jobs import pipeline
from orchestration.lib.load_date import SAO_PAULO


@dg.schedule(
    job=pipeline,
    cron_schedule="0 1 * * 0",
    execution_timezone="America/Sao_Paulo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Sundays at 01:00 São Paulo: the pipeline with a full sweep of every CRM object (rows "
        "whose referencia_data did not move, rows that vanished). Under the real limit of 20 "
        "requests a minute it takes hours at scale, hence weekly."
    ),
)
def varredura_semanal(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    load_date = context.scheduled_execution_time.astimezone(SAO_PAULO).date().isoformat()
    return dg.RunRequest(
        run_key=f"varredura-{load_date}", partition_key=load_date, tags={SWEEP_TAG: "true"}
    )
