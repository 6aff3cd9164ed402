"""Deterministic synthetic demo data: portal event files and the CRM sandbox dataset."""

from ingestion.demo.generator import DemoSummary, generate_demo_data

__all__ = ["DemoSummary", "generate_demo_data"]
