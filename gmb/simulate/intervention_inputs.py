"""Applying interventions to a model: the shaped inputs, the resolved channels, the checks.

**Checked after the channel is resolved**: ``auto`` becomes ``indicated`` or
``level``, both multiplicative, so a raw ``-`` dose whose range reaches 1 would
make the multiplier ``1 - dose`` zero or negative; :func:`check_resolved` refuses
it, naming the idea, the target and the field (a share never can: ``x/(1+x) < 1``).

:class:`InputShape` is what :attr:`gmb.stockflow.model.Input.shape` holds: the
interventions on one input, evaluated by :meth:`InputShape.at` (numbers or
arrays of doses) and written into XMILE and Vensim by :meth:`InputShape.equation`.
:func:`with_interventions` returns a model whose inputs carry them.

They sit apart from :class:`gmb.simulate.interventions.Intervention` (what an
intervention *is*) because they are about a model (its variables, its inputs,
the XMILE/Vensim equations); :mod:`gmb.simulate.interventions` re-exports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from gmb.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from gmb.simulate.interventions import Intervention
    from gmb.stockflow.model import StockFlowModel

__all__ = ["InputShape", "check_resolved", "resolve_channel", "with_interventions"]


@dataclass(frozen=True)
class InputShape:
    """The interventions acting on one input (what ``Input.shape`` holds).

    ``doses`` optionally overrides each intervention's dose with a number or an
    array of runs, so a reference run can replay an ensemble's draws.
    """

    channel: Literal["level", "indicated", "inflow"]
    interventions: tuple[Intervention, ...]
    doses: tuple[Any, ...] | None = None
    dt: float = 0.0  # the model's time step (switching rule of :meth:`Intervention.profile`)

    def _doses(self) -> Sequence[Any]:
        return self.doses if self.doses is not None else [iv.dose for iv in self.interventions]

    def at(self, t: float, base: Any) -> Any:
        """The input's value at time ``t`` given its constant ``base`` value."""
        out = base
        for iv, dose in zip(self.interventions, self._doses()):
            g = iv.profile(t, self.dt)
            if self.channel == "inflow":
                out = out + iv.sign * dose * g
            else:
                out = out * (1.0 + iv.sign * dose * g)
        return out

    def equation(self, el: Any, dialect: str) -> str:
        """The input's right-hand side in ``dialect`` (for the XMILE / Vensim writers)."""
        from gmb.stockflow.equations import number

        doses = self._doses()
        if any(np.ndim(d) for d in doses):
            raise ValidationError("a file can hold one dose per intervention, not an array", field="doses")
        text = number(el.constant)
        for iv, dose in zip(self.interventions, doses):
            term = f"{number(iv.sign * float(dose))} * {iv.expression(dialect)}"
            text = f"{text} + {term}" if self.channel == "inflow" else f"{text} * (1.0 + {term})"
        return text


def resolve_channel(model: Any, variable: str, channel: str = "auto") -> str:
    """The concrete channel: ``auto`` is ``indicated`` for a stock, ``level`` otherwise.

    Raises :class:`NotFoundError` (naming the variable) when the model has no such variable.
    """
    try:
        el = model.variable_element(variable)
    except NotFoundError:
        known = ", ".join(v.variable for v in model.variables[:12])
        raise NotFoundError(f"the model has no variable {variable!r}", field="variable",
                            hint=f"variables: {known}…") from None  # fmt: skip
    if channel == "auto":
        return "indicated" if el.kind == "stock" else "level"
    if el.kind == "auxiliary" and channel == "indicated":
        return "level"
    if el.kind == "auxiliary" and channel == "inflow":
        raise ValidationError(
            f"{variable!r} is not a stock, so it has no inflow", field="channel", hint="use level (or auto)"
        )
    return channel


def check_resolved(iv: Intervention, channel: str) -> Intervention:
    """``iv`` on its resolved ``channel``; a ValidationError if a dose in its range makes the multiplier <= 0.

    >>> from gmb.simulate.interventions import Intervention
    >>> check_resolved(Intervention(variable="a", direction="-", dose=0.6, high=1.3, idea="i1"), "level")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gmb.errors.ValidationError: ideas.i1.targets.a.high: a '-' dose on the level multiplies by 1 - dose, ...
    """
    if channel != "inflow" and iv.direction == "-" and iv.dose_range[1] >= 1:
        name = "high" if iv.high is not None else "dose"
        raise ValidationError(
            f"a '-' dose on the {channel} multiplies by 1 - dose, so it must stay below 1, got {iv.dose_range[1]:g}",
            field=f"ideas.{iv.idea}.targets.{iv.variable}.{name}" if iv.idea else name,
            hint="lower the dose's high below 1, or give the idea one dose (gmb scenarios set NAME IDEA --dose D): "
                 "its '-' rule 1/(1 + d) stays positive",
        )  # fmt: skip
    return iv if iv.channel == channel else iv.model_copy(update={"channel": channel})


def with_interventions(
    model: StockFlowModel, interventions: Sequence[Intervention], doses: Sequence[float | np.ndarray] | None = None
) -> StockFlowModel:
    """A copy of ``model`` whose inputs carry ``interventions`` as :class:`InputShape` (``model`` is unchanged).

    Parameters
    ----------
    model : StockFlowModel
        The model.
    interventions : sequence of Intervention
        What to apply.
    doses : sequence of float or numpy.ndarray, optional
        One per intervention (numbers, or arrays of runs), replacing the interventions' own doses.

    Returns
    -------
    StockFlowModel
        The model with the interventions built in; :func:`gmb.simulate` runs it.

    Raises
    ------
    gmb.errors.NotFoundError
        An intervention names a variable the model does not have.
    gmb.errors.ValidationError
        ``doses`` does not give one dose per intervention.

    Examples
    --------
    >>> import gmb
    >>> from gmb.simulate.interventions import Intervention
    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)
    >>> pushed = with_interventions(model, [Intervention(variable="v2", dose=0.2, shape="step")])
    >>> float(gmb.simulate(pushed, names=["v0"])["v0"][-1]) > float(gmb.simulate(model, names=["v0"])["v0"][-1])
    True
    """
    groups: dict[str, list[tuple[Intervention, Any]]] = {}
    doses = list(doses) if doses is not None else [iv.dose for iv in interventions]
    for iv, dose in zip(interventions, doses, strict=True):
        channel = resolve_channel(model, iv.variable, iv.channel)
        inp = model.input_for(iv.variable, channel)
        groups.setdefault(inp.name, []).append((check_resolved(iv, channel), dose))
    inputs = []
    for inp in model.inputs:
        if inp.name in groups:
            ivs, ds = zip(*groups[inp.name])
            inputs.append(replace(inp, shape=InputShape(inp.channel, tuple(ivs), tuple(ds), model.time.dt)))
        else:
            inputs.append(inp)
    return replace(model, inputs=tuple(inputs))
