import dagster as dg

from orchestration.defs.pipeline.jobs import pipeline, protocolos, verificar_frescor
from orchestration.lib.load_date import SAO_PAULO


@dg.schedule(
    job=pipeline,
    cron_schedule="0 3 * * *",
    execution_timezone="America/Sao_Paulo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The daily run at 03:00 São Paulo: whatever landed, loaded under that day.",
)
def diario(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    load_date = context.scheduled_execution_time.astimezone(SAO_PAULO).date().isoformat()
    return dg.RunRequest(run_key=f"diario-{load_date}", partition_key=load_date)


@dg.schedule(
    job=protocolos,
    cron_schedule="30 3 * * *",
    execution_timezone="America/Sao_Paulo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Survey protocols of the current month (and of any month with dispatches not linked "
        "yet), after the daily run; runs wait in the queue for each other."
    ),
)
def protocolos_diario(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = context.scheduled_execution_time.astimezone(SAO_PAULO).date()
    month = day.replace(day=1).isoformat()
    return dg.RunRequest(run_key=f"protocolos-{day.isoformat()}", partition_key=month)


frescor_de_hora_em_hora = dg.ScheduleDefinition(
    job=verificar_frescor,
    cron_schedule="15 * * * *",
    execution_timezone="America/Sao_Paulo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Freshness checks every hour, so a silent source shows up between runs.",
)
