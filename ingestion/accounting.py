"""Input accounting: records in = loaded + quarantined + duplicates, per file and per source."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ingestion.state import FileCounts


@dataclass
class IngestReport:
    source: str
    table: str
    load_date: str
    files: list[FileCounts] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)

    @property
    def records_in(self) -> int:
        return sum(f.records_in for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def reconciles(self) -> bool:
        return self.records_in == self.loaded + self.quarantined + self.duplicates

    def as_metadata(self) -> dict:
        return {
            "source": f"{self.source}/{self.table}",
            "load_date": self.load_date,
            "files_ingested": len(self.files),
            "files_skipped": len(self.skipped_files),
            "records_in": self.records_in,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "reconciles": self.reconciles,
            "quarantine_reasons": dict(self.reasons.most_common()),
        }
