"""Errors a user sees.  Each says what happened and what to do."""


class NianbaoError(Exception):
    """Base class: a per-file problem that stops that file but not the run."""

    code = "error"


class IngestError(NianbaoError):
    """The file could not be read as a report (empty, binary, encrypted, …)."""

    code = "ingest"


class UnsupportedFormat(IngestError):
    code = "unsupported-format"
