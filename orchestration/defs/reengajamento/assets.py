from ingestion.reengajamento.segments import (
    CONDITIONS_TABLE,
    SEGMENTS_TABLE,
    SOURCE,
    load_segments,
    write_segments,
)
from orchestration.lib.settings_asset import settings_file_asset

reengajamento_segmentos = settings_file_asset(
    SOURCE,
    {
        SEGMENTS_TABLE: "The re-engagement segments (ALICERCE_SEGMENTS_FILE), one row each.",
        CONDITIONS_TABLE: "Their conditions, one row per (segment, condition, listed value).",
    },
    lambda settings: settings.segments_file,
    load_segments,
    write_segments,
    lambda segments: {"segmentos": len(segments.segmentos)},
)
