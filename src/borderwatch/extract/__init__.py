"""Extraction stages: actors, places, dates, numbers, events, roles, claims; `extract` runs them all."""

from borderwatch.extract.mentions import extract

__all__ = ["extract"]
