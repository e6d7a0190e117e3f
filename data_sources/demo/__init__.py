"""Deterministic demo data for the VET management database (see :mod:`.generator`)."""

from data_sources.demo.generator import SCALES, DemoReport, generate

__all__ = ["SCALES", "DemoReport", "generate"]
