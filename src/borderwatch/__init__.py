"""borderwatch: sourced, geocoded event data from news on cross-border armed conflict.

    import borderwatch as bw
    mentions = bw.extract(document)
    events = bw.open_store("events.db").events(country="AF")   # merged: one event, many reports
    ids = bw.merge_mentions(mentions)                             # mention id -> event id, in memory
    scores = bw.evaluate("documents.jsonl", "gold.jsonl")
"""

# The scoring module is imported before `evaluate` (the function) is bound below, so the package
# attribute stays the function: use `from borderwatch.evaluate import ...` for the module's names.
import borderwatch.evaluate as _scoring  # noqa: F401
from borderwatch.errors import BorderwatchError
from borderwatch.extract import extract
from borderwatch.merge import derive_event, explain, merge_mentions, profile_of
from borderwatch.model import Claim, Count, DateRange, Document, Event, Mention, Place, Precision, Span
from borderwatch.pipeline import evaluate_files as evaluate
from borderwatch.pipeline import ingest_documents, ingest_paths
from borderwatch.store import open_store
from borderwatch.theatre import load_theatre

__version__ = "0.1.0"

__all__ = [
    "BorderwatchError", "Claim", "Count", "DateRange", "Document", "Event", "Mention", "Place", "Precision",
    "Span", "derive_event", "evaluate", "explain", "extract", "ingest_documents", "ingest_paths", "load_theatre",
    "merge_mentions", "open_store", "profile_of",
]
