"""Cross-reference rules of a session (run by the model on every change and item by item by the live store).

The rules every session obeys (checked whenever one is built):

* ids are unique within each collection;
* links join existing variables, at most one link per (cause, effect) pair;
* everything that names a variable, link, theme or participant names one that exists;
* a participant supports a link, or votes for an idea, at most once.

>>> from gmb.session.parse import parse_session
>>> parse_session({"title": "x", "links": [{"id": "L1", "cause": "a", "effect": "b"}]}, file="s.json")
Traceback (most recent call last):
...
gmb.errors.ValidationError: s.json: links[0].cause: unknown variable 'a' (add the variable first, or fix the id)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from gmb.errors import ValidationError

if TYPE_CHECKING:
    from gmb.session.model import Session

__all__ = ["RuleBroken", "check_item", "check_references", "pydantic_to_gmb"]


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


class _Known:
    """The ids a session's rules look up, each collection's set built on first use.

    Checking one item asks for only the few sets that item's references need.
    """

    def __init__(self, s: Session, **ready: set[str]) -> None:
        self.s = s
        self._sets = dict(ready)

    def __getitem__(self, name: str) -> set[str]:
        got = self._sets.get(name)
        if got is None:
            got = self._sets[name] = {x.id for x in getattr(self.s, name)}
        return got


def _person(value: str | None, field: str, k: _Known) -> None:
    if value is not None and value not in k["participants"]:
        raise RuleBroken(field, f"unknown participant '{value}'", "add the participant first (gmb participant add)")


def _stage(st: Any, i: int, k: _Known) -> None:
    _refs(st.participants, k["participants"], f"stages[{i}].participants", "participant")


def _variable(v: Any, i: int, k: _Known) -> None:
    _refs(v.themes, k["themes"], f"variables[{i}].themes", "theme")
    _person(v.proposed_by, f"variables[{i}].proposed_by", k)
    _person(v.accepted_by, f"variables[{i}].accepted_by", k)


def _link_ends(link: Any, i: int, k: _Known) -> None:
    for end in ("cause", "effect"):
        if getattr(link, end) not in k["variables"]:
            raise RuleBroken(f"links[{i}].{end}", f"unknown variable '{getattr(link, end)}'",
                             "add the variable first, or fix the id")  # fmt: skip


def _link_twice(link: Any, i: int, earlier: str) -> RuleBroken:
    return RuleBroken(f"links[{i}]", f"a link {link.cause} -> {link.effect} exists already ({earlier})",
                      "support or edit the existing link instead")  # fmt: skip


def _link_people(link: Any, i: int, k: _Known) -> None:
    _person(link.proposed_by, f"links[{i}].proposed_by", k)
    _person(link.accepted_by, f"links[{i}].accepted_by", k)
    _refs(link.supporters, k["participants"], f"links[{i}].supporters", "participant")
    _refs(link.disputers, k["participants"], f"links[{i}].disputers", "participant")
    _once(link.supporters, f"links[{i}].supporters")
    _once(link.disputers, f"links[{i}].disputers")


def _story(story: Any, i: int, k: _Known) -> None:
    _refs(story.variables, k["variables"], f"stories[{i}].variables", "variable")
    _refs(story.links, k["links"], f"stories[{i}].links", "link")
    if story.theme is not None and story.theme not in k["themes"]:
        raise RuleBroken(f"stories[{i}].theme", f"unknown theme '{story.theme}'")
    _person(story.author, f"stories[{i}].author", k)


def _presentation(pres: Any, i: int, k: _Known) -> None:
    _person(pres.author, f"presentations[{i}].author", k)
    for j, step in enumerate(pres.steps):
        for part in ("variables", "loop", "path"):
            _refs(getattr(step, part), k["variables"], f"presentations[{i}].steps[{j}].{part}", "variable")
        _refs(step.links, k["links"], f"presentations[{i}].steps[{j}].links", "link")
        if step.whatif is not None:
            for idea in step.whatif.ideas:
                if idea not in k["ideas"]:
                    raise RuleBroken(f"presentations[{i}].steps[{j}].whatif.ideas.{idea}", f"unknown idea '{idea}'")


def _initiative(ini: Any, i: int, k: _Known) -> None:
    _refs(ini.variables, k["variables"], f"initiatives[{i}].variables", "variable")
    _person(ini.proposed_by, f"initiatives[{i}].proposed_by", k)
    _person(ini.accepted_by, f"initiatives[{i}].accepted_by", k)


def _idea(idea: Any, i: int, k: _Known) -> None:
    for j, target in enumerate(idea.targets):
        if target.variable not in k["variables"]:
            raise RuleBroken(f"ideas[{i}].targets[{j}].variable", f"unknown variable '{target.variable}'",
                             "add the variable first, or fix the id")  # fmt: skip
    _refs(idea.votes, k["participants"], f"ideas[{i}].votes", "participant")
    _once(idea.votes, f"ideas[{i}].votes")
    _person(idea.proposed_by, f"ideas[{i}].proposed_by", k)
    _person(idea.accepted_by, f"ideas[{i}].accepted_by", k)


def _observation(ob: Any, i: int, k: _Known) -> None:
    if ob.variable not in k["variables"]:
        raise RuleBroken(f"observations[{i}].variable", f"unknown variable '{ob.variable}'",
                         "observe a variable of the map (gmb session show NAME lists them)")  # fmt: skip


def _implemented(im: Any, i: int, k: _Known) -> None:
    if im.idea not in k["ideas"]:
        raise RuleBroken(f"implemented[{i}].idea", f"unknown idea '{im.idea}'", "add the idea first, or fix the id")


#: collection -> the rules of one of its items (links are handled apart: their pairs span the collection)
_ITEM_RULES = {"stages": _stage, "variables": _variable, "stories": _story, "presentations": _presentation,
               "initiatives": _initiative,
               "ideas": _idea, "observations": _observation, "implemented": _implemented}  # fmt: skip
_ORDER = (
    "stages",
    "variables",
    "links",
    "stories",
    "presentations",
    "initiatives",
    "ideas",
    "observations",
    "implemented",
)


def check_references(s: Session) -> None:
    """Raise :class:`RuleBroken` on the first rule a session breaks."""
    ready = {name: _unique(getattr(s, name), name) for name in ("variables", "links", "participants", "themes")}
    for name in (
        "stages",
        "indicators",
        "stories",
        "initiatives",
        "ideas",
        "observations",
        "implemented",
        "presentations",
    ):
        ready[name] = _unique(getattr(s, name), name)
    k = _Known(s, **ready)
    if s.outcome is not None and s.outcome not in k["variables"]:
        raise RuleBroken("outcome", f"unknown variable '{s.outcome}'")
    for name in _ORDER:
        if name != "links":
            rule = _ITEM_RULES[name]
            for i, item in enumerate(getattr(s, name)):
                rule(item, i, k)
            continue
        pairs: dict[tuple[str, str], str] = {}
        for i, link in enumerate(s.links):
            _link_ends(link, i, k)
            pair = (link.cause, link.effect)
            if pair in pairs:
                raise _link_twice(link, i, pairs[pair])
            pairs[pair] = link.id
            _link_people(link, i, k)


def check_item(s: Session, collection: str, i: int) -> None:
    """Raise what :func:`check_references` would raise, given that only item ``i`` of ``collection`` changed.

    The session *before* the change must have obeyed every rule (every stored session does), and
    the item's id must be new to the collection or unchanged. Then the only rules the change can
    break are the ones of the item itself (and, for a link, the one-link-per-pair rule, which may
    name a later link), so this checks those, in the order :func:`check_references` does, with the
    same field paths and messages, and never walks the other collections' items.

    Examples
    --------
    >>> from gmb.session.model import Link, Session
    >>> s = Session.model_validate({"title": "x", "variables": [{"id": "a"}, {"id": "b"}]})
    >>> s = s.model_copy(update={"links": (Link(id="L1", cause="a", effect="c"),)})
    >>> check_item(s, "links", 0)
    Traceback (most recent call last):
    ...
    gmb.session.validate.RuleBroken: links[0].effect: unknown variable 'c'
    """
    k = _Known(s)
    items = getattr(s, collection)
    item = items[i]
    if collection != "links":
        rule = _ITEM_RULES.get(collection)
        if rule is not None:  # participants, themes and indicators name nothing
            rule(item, i, k)
        return
    _link_ends(item, i, k)
    pair = (item.cause, item.effect)
    # The other links have distinct pairs among themselves, so at most one can share this one.
    other = next((j for j, x in enumerate(items) if j != i and x.cause == pair[0] and x.effect == pair[1]), None)
    if other is not None and other < i:
        raise _link_twice(item, i, items[other].id)
    _link_people(item, i, k)
    if other is not None:  # the later link is the one found twice, as a walk in order finds it
        raise _link_twice(items[other], other, item.id)


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
