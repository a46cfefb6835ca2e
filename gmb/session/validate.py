"""Cross-reference rules of a session, and turning raw data into a Session.

The rules every session obeys (checked whenever one is built):

* ids are unique within each collection;
* links join existing variables, at most one link per (cause, effect) pair;
* everything that names a variable, link, theme or participant names one that exists;
* a participant supports a link, or votes for an idea, at most once.

>>> from gmb.session.model import Session
>>> parse_session({"title": "x", "links": [{"id": "L1", "cause": "a", "effect": "b"}]}, file="s.json")
Traceback (most recent call last):
...
gmb.errors.ValidationError: s.json: links[0].cause: unknown variable 'a' (add the variable first, or fix the id)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from gmb.errors import ValidationError

if TYPE_CHECKING:
    from gmb.session.model import Session

__all__ = ["check_references", "parse_session", "RuleBroken"]


class RuleBroken(ValueError):
    """A broken cross-reference rule; carries the field path it concerns."""

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        self.field = field
        self.message = message
        self.hint = hint
        super().__init__(f"{field}: {message}")


def _unique(items: Iterable[Any], collection: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise RuleBroken(f"{collection}[{i}].id", f"duplicate id '{item.id}'", "ids must be unique")
        seen.add(item.id)
    return seen


def _refs(values: Iterable[str], known: set[str], field: str, what: str) -> None:
    for j, value in enumerate(values):
        if value not in known:
            hint = {
                "variable": "add the variable first, or fix the id",
                "participant": "add the participant first (gmb participant add)",
            }.get(what)
            raise RuleBroken(f"{field}[{j}]" if field.endswith("s") else field, f"unknown {what} '{value}'", hint)


def _once(values: Iterable[str], field: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise RuleBroken(field, f"'{value}' appears twice", "each participant counts once")
        seen.add(value)


def check_references(s: "Session") -> None:
    """Raise :class:`RuleBroken` on the first rule a session breaks."""
    variables = _unique(s.variables, "variables")
    links = _unique(s.links, "links")
    people = _unique(s.participants, "participants")
    themes = _unique(s.themes, "themes")
    for name in ("stages", "indicators", "stories", "initiatives", "ideas", "observations", "implemented", "presentations"):
        _unique(getattr(s, name), name)

    def person(value: str | None, field: str) -> None:
        if value is not None and value not in people:
            raise RuleBroken(field, f"unknown participant '{value}'", "add the participant first (gmb participant add)")

    if s.outcome is not None and s.outcome not in variables:
        raise RuleBroken("outcome", f"unknown variable '{s.outcome}'")
    for i, st in enumerate(s.stages):
        _refs(st.participants, people, f"stages[{i}].participants", "participant")
    for i, v in enumerate(s.variables):
        _refs(v.themes, themes, f"variables[{i}].themes", "theme")
        person(v.proposed_by, f"variables[{i}].proposed_by")
        person(v.accepted_by, f"variables[{i}].accepted_by")
    pairs: dict[tuple[str, str], str] = {}
    for i, link in enumerate(s.links):
        for end in ("cause", "effect"):
            if getattr(link, end) not in variables:
                raise RuleBroken(
                    f"links[{i}].{end}",
                    f"unknown variable '{getattr(link, end)}'",
                    "add the variable first, or fix the id",
                )
        pair = (link.cause, link.effect)
        if pair in pairs:
            raise RuleBroken(
                f"links[{i}]",
                f"a link {link.cause} -> {link.effect} exists already ({pairs[pair]})",
                "support or edit the existing link instead",
            )
        pairs[pair] = link.id
        person(link.proposed_by, f"links[{i}].proposed_by")
        person(link.accepted_by, f"links[{i}].accepted_by")
        _refs(link.supporters, people, f"links[{i}].supporters", "participant")
        _refs(link.disputers, people, f"links[{i}].disputers", "participant")
        _once(link.supporters, f"links[{i}].supporters")
        _once(link.disputers, f"links[{i}].disputers")
    for i, story in enumerate(s.stories):
        _refs(story.variables, variables, f"stories[{i}].variables", "variable")
        _refs(story.links, links, f"stories[{i}].links", "link")
        if story.theme is not None and story.theme not in themes:
            raise RuleBroken(f"stories[{i}].theme", f"unknown theme '{story.theme}'")
        person(story.author, f"stories[{i}].author")
    for i, pres in enumerate(s.presentations):
        person(pres.author, f"presentations[{i}].author")
        for j, step in enumerate(pres.steps):
            for part in ("variables", "loop", "path"):
                _refs(getattr(step, part), variables, f"presentations[{i}].steps[{j}].{part}", "variable")
            _refs(step.links, links, f"presentations[{i}].steps[{j}].links", "link")
    for i, ini in enumerate(s.initiatives):
        _refs(ini.variables, variables, f"initiatives[{i}].variables", "variable")
        person(ini.proposed_by, f"initiatives[{i}].proposed_by")
        person(ini.accepted_by, f"initiatives[{i}].accepted_by")
    for i, idea in enumerate(s.ideas):
        for j, target in enumerate(idea.targets):
            if target.variable not in variables:
                raise RuleBroken(
                    f"ideas[{i}].targets[{j}].variable",
                    f"unknown variable '{target.variable}'",
                    "add the variable first, or fix the id",
                )
        _refs(idea.votes, people, f"ideas[{i}].votes", "participant")
        _once(idea.votes, f"ideas[{i}].votes")
        person(idea.proposed_by, f"ideas[{i}].proposed_by")
        person(idea.accepted_by, f"ideas[{i}].accepted_by")
    ideas = {x.id for x in s.ideas}
    for i, ob in enumerate(s.observations):
        if ob.variable not in variables:
            raise RuleBroken(f"observations[{i}].variable", f"unknown variable '{ob.variable}'",
                             "observe a variable of the map (gmb session show NAME lists them)")
    for i, im in enumerate(s.implemented):
        if im.idea not in ideas:
            raise RuleBroken(f"implemented[{i}].idea", f"unknown idea '{im.idea}'", "add the idea first, or fix the id")


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def pydantic_to_gmb(exc: Any, *, file: str | None = None, prefix: str = "") -> ValidationError:
    """Turn a pydantic ``ValidationError`` into ours, naming the first bad field."""
    first = exc.errors()[0]
    original = (first.get("ctx") or {}).get("error")
    if isinstance(original, RuleBroken):
        field = original.field
        return ValidationError(original.message, file=file, field=_join(prefix, field), hint=original.hint)
    field = _field_path(tuple(first.get("loc", ())))
    message = first.get("msg", "invalid value").removeprefix("Value error, ")
    if first.get("type") == "enum" or "literal" in first.get("type", ""):
        message += f" (got {first.get('input')!r})"
    more = len(exc.errors()) - 1
    if more:
        message += f"; and {more} more problem{'s' if more > 1 else ''}"
    return ValidationError(message, file=file, field=_join(prefix, field) or None)


def _join(prefix: str, field: str) -> str:
    if prefix and field:
        return f"{prefix}.{field}"
    return prefix or field


def parse_session(data: Any, *, file: str | None = None) -> "Session":
    """Build a :class:`Session` from plain data, raising gmb's ValidationError."""
    import pydantic

    from gmb.session.model import Session

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
