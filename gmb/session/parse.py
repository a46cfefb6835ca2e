"""Plain data (a parsed ``session.json``) to a validated :class:`~gmb.session.model.Session`.

This sits above both :mod:`gmb.session.model` (the types) and :mod:`gmb.session.validate`
(the cross-reference rules the model runs), so neither of those imports the other at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gmb.errors import ValidationError
from gmb.session.model import Session
from gmb.session.validate import pydantic_to_gmb

__all__ = ["parse_session"]


def parse_session(data: Mapping[str, Any], *, file: str | None = None) -> Session:
    """Build a :class:`Session` from plain data, raising gmb's ValidationError.

    Parameters
    ----------
    data : dict
        The session as plain data (e.g. ``json.load`` of a ``session.json``).
    file : str, optional
        The file it came from, named in errors.

    Returns
    -------
    Session
        The validated, immutable session.

    Raises
    ------
    ValidationError
        Naming the file and the field (e.g. ``links[3].cause``) of the first rule broken.

    Examples
    --------
    >>> parse_session({"title": "x", "variables": [{"id": "sleep"}]}).variables[0].id
    'sleep'
    >>> parse_session({"title": "x", "links": [{"id": "L1", "cause": "a", "effect": "b"}]})
    Traceback (most recent call last):
    ...
    gmb.errors.ValidationError: links[0].cause: unknown variable 'a' (add the variable first, or fix the id)
    """
    import pydantic

    if not isinstance(data, dict):
        raise ValidationError("a session must be a JSON object", file=file)
    from gmb.session.text import UnsafeTextError

    try:
        return Session.model_validate(data)
    except pydantic.ValidationError as exc:
        raise pydantic_to_gmb(exc, file=file) from None
    except UnsafeTextError as exc:
        if file is None or exc.file is not None:
            raise
        raise UnsafeTextError(exc.message, file=file, field=exc.field, hint=exc.hint) from None
