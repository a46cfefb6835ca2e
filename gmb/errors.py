"""One exception tree for everything gmb refuses.

Every error names *where* the problem is (file, line, field) when that is known,
and, where we can, *how to fix it*. The CLI prints ``str(error)`` without a
traceback and exits non-zero.

>>> err = ValidationError("unknown variable 'x'", file="s.json", field="links[3].cause")
>>> str(err)
"s.json: links[3].cause: unknown variable 'x'"
>>> isinstance(err, GmbError)
True
"""

from __future__ import annotations

__all__ = [
    "AccessError",
    "AnalysisError",
    "ClusterError",
    "ConflictError",
    "ConversionError",
    "EncodingError",
    "FormatError",
    "GmbError",
    "GmbWarning",
    "InputError",
    "NotFoundError",
    "SimulationError",
    "SlugError",
    "StoreError",
    "ValidationError",
    "warn",
]


class GmbError(Exception):
    """Base class of every error gmb raises on purpose.

    ``file``, ``line`` and ``field`` locate the problem; ``hint`` says how to fix it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(self.field)
        text = ": ".join([*where, self.message])
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __reduce__(self):
        # Errors cross process boundaries (Dask workers): keep the type and every field, not just the text.
        return _rebuild, (type(self), self.message, self.file, self.line, self.field, self.hint)

    def located(self, *, file: str | None = None, line: int | None = None) -> GmbError:
        """Return a copy of this error with a file/line filled in where missing."""
        return type(self)(
            self.message,
            file=self.file or (None if file is None else str(file)),
            line=self.line if self.line is not None else line,
            field=self.field,
            hint=self.hint,
        )


class InputError(GmbError):
    """Something the user gave us (a file, an option, a value) cannot be used."""


class FormatError(InputError):
    """A file is not in the format it claims (malformed JSON, CSV, XML...)."""


class EncodingError(InputError):
    """A file is not valid UTF-8 (or the encoding its format declares)."""


class ValidationError(InputError):
    """The content parses but breaks a rule: unknown variable, duplicate id, bad polarity..."""


class NotFoundError(GmbError):
    """A session, variable, link, idea or file that was named does not exist."""


class SlugError(InputError):
    """A session name that is not a safe folder name (e.g. ``../x`` or ``/etc``)."""


class StoreError(GmbError):
    """Reading or writing the session store failed."""


class ConflictError(StoreError):
    """The change conflicts with what is stored (e.g. the session already exists)."""


class AnalysisError(GmbError):
    """A structural analysis cannot be done on this map (e.g. it is empty)."""


class ConversionError(GmbError):
    """A CLD cannot be turned into a stock-flow model with the given assumptions."""


class SimulationError(GmbError):
    """A simulation or scenario request cannot be run."""


class GmbWarning(UserWarning):
    """Something gmb read and skipped or guessed; the result is usable but the user should know.

    Raised through :func:`warnings.warn` (see :func:`warn`), so callers can record or silence it.
    """


def warn(message: str, *, file: str | None = None, line: int | None = None, field: str | None = None) -> None:
    """Issue a :class:`GmbWarning` located like an error (``file: line N: field: message``)."""
    import warnings

    where = [str(file)] if file else []
    if line is not None:
        where.append(f"line {line}")
    if field:
        where.append(field)
    warnings.warn(GmbWarning(": ".join([*where, message])), stacklevel=3)


class AccessError(GmbError):
    """A request without the right to do what it asks (wrong key, wrong session, not the facilitator)."""


class ClusterError(SimulationError):
    """A Dask cluster cannot be reached, or lost the work it was given."""


def _rebuild(cls, message, file, line, field, hint):
    return cls(message, file=file, line=line, field=field, hint=hint)
