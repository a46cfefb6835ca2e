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

    Parameters
    ----------
    message : str
        What is wrong, in words a user reads.
    file : str or os.PathLike, optional
        The file the problem is in.
    line : int, optional
        The line in ``file`` (1-based).
    field : str, optional
        The field or option, e.g. ``"links[3].cause"``.
    hint : str, optional
        How to fix it; printed in parentheses after the message.

    Attributes
    ----------
    exit_code : int
        The CLI's exit status for this error (2).

    Examples
    --------
    Catch every error gmb raises on purpose with one ``except``:

    >>> try:
    ...     raise GmbError("no outcome", file="map.csv", hint="pass --outcome")
    ... except GmbError as err:
    ...     print(err)
    map.csv: no outcome (pass --outcome)
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
    """Something the user gave us (a file, an option, a value) cannot be used.

    Examples
    --------
    >>> try:
    ...     raise InputError("--runs must be positive", field="--runs")
    ... except GmbError as err:
    ...     print(err)
    --runs: --runs must be positive
    """


class FormatError(InputError):
    """A file is not in the format it claims (malformed JSON, CSV, XML...).

    Examples
    --------
    >>> try:
    ...     raise FormatError("not JSON", file="s.json", line=1)
    ... except InputError as err:
    ...     print(err)
    s.json: line 1: not JSON
    """


class EncodingError(InputError):
    """A file is not valid UTF-8 (or the encoding its format declares).

    Examples
    --------
    >>> try:
    ...     raise EncodingError("not UTF-8", file="map.csv")
    ... except InputError as err:
    ...     print(err)
    map.csv: not UTF-8
    """


class ValidationError(InputError):
    """The content parses but breaks a rule: unknown variable, duplicate id, bad polarity...

    Examples
    --------
    >>> try:
    ...     raise ValidationError("unknown variable 'x'", field="links[0].cause")
    ... except InputError as err:
    ...     print(err)
    links[0].cause: unknown variable 'x'
    """


class NotFoundError(GmbError):
    """A session, variable, link, idea or file that was named does not exist.

    Examples
    --------
    >>> try:
    ...     raise NotFoundError("no session 'byen'")
    ... except GmbError as err:
    ...     print(err)
    no session 'byen'
    """


class SlugError(InputError):
    """A session name that is not a safe folder name (e.g. ``../x`` or ``/etc``).

    Examples
    --------
    >>> try:
    ...     raise SlugError("not a safe name: '../x'")
    ... except InputError as err:
    ...     print(err)
    not a safe name: '../x'
    """


class StoreError(GmbError):
    """Reading or writing the session store failed.

    Examples
    --------
    >>> try:
    ...     raise StoreError("cannot write", file="sessions/a/session.json")
    ... except GmbError as err:
    ...     print(err)
    sessions/a/session.json: cannot write
    """


class ConflictError(StoreError):
    """The change conflicts with what is stored (e.g. the session already exists).

    Examples
    --------
    >>> try:
    ...     raise ConflictError("session 'a' exists")
    ... except StoreError as err:
    ...     print(err)
    session 'a' exists
    """


class AnalysisError(GmbError):
    """A structural analysis cannot be done on this map (e.g. it is empty).

    Examples
    --------
    >>> try:
    ...     raise AnalysisError("the map is empty")
    ... except GmbError as err:
    ...     print(err)
    the map is empty
    """


class ConversionError(GmbError):
    """A CLD cannot be turned into a stock-flow model with the given assumptions.

    Examples
    --------
    >>> try:
    ...     raise ConversionError("no outcome variable", hint="set one with gmb var set")
    ... except GmbError as err:
    ...     print(err)
    no outcome variable (set one with gmb var set)
    """


class SimulationError(GmbError):
    """A simulation or scenario request cannot be run.

    Examples
    --------
    >>> try:
    ...     raise SimulationError("--runs must be at least 2")
    ... except GmbError as err:
    ...     print(err)
    --runs must be at least 2
    """


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
    """A Dask cluster cannot be reached, or lost the work it was given.

    Examples
    --------
    >>> try:
    ...     raise ClusterError("no scheduler at tcp://x:8786")
    ... except SimulationError as err:
    ...     print(err)
    no scheduler at tcp://x:8786
    """


def _rebuild(cls, message, file, line, field, hint):
    return cls(message, file=file, line=line, field=field, hint=hint)
