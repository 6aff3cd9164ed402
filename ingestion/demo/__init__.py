"""Deterministic synthetic demo data for the landing area (portal events, CRM pessoas pages)."""

from ingestion.demo.generator import DemoSummary, generate_demo_data

__all__ = ["DemoSummary", "generate_demo_data"]
