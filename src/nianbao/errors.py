"""Errors a user sees.  Each says what happened and what to do."""


class NianbaoError(Exception):
    """Base class: a per-file problem that stops that file but not the run."""

    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class IngestError(NianbaoError):
    """The file could not be read as a report (empty, binary, encrypted, …)."""

    code = "ingest"


class UnsupportedFormat(IngestError):
    code = "unsupported-format"
