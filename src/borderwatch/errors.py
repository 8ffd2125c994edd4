"""The one exception tree of borderwatch. The CLI turns these into clean exit messages."""


class BorderwatchError(Exception):
    """Base of every error borderwatch raises on purpose."""


class DocumentError(BorderwatchError):
    """A document cannot be read: binary, undecodable, empty or too large. Ingest records it as failed."""


class GoldFormatError(BorderwatchError):
    """A gold or documents file does not follow GOLD_FORMAT.md; the message names the line."""


class TheatreError(BorderwatchError):
    """A theatre pack (actors, gazetteer) is missing or malformed."""


class StoreError(BorderwatchError):
    """The event store cannot be opened or written."""


class DatasetFormatError(DocumentError):
    """A dataset file (UCDP GED, ACLED export) lacks the columns its format needs, or cannot be read."""


class AnalysisError(BorderwatchError):
    """An analysis cannot run on the data it was given (too few periods, a constant series, a bad option);
    the message says what to change."""


class UnsafeAddressError(DocumentError):
    """A URL is refused before any connection: not http(s), unresolvable, or a non-public address.

    Pass `allow_private=True` (or `private_networks`) to fetch from an intranet on purpose."""


class FeedListError(BorderwatchError):
    """A feeds.yaml cannot be read or does not have the shape docs/sources.md describes."""
