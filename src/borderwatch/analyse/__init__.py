"""Analyses of the event store: indicators, retaliation, self-exciting models, scenarios (issue 4)."""
