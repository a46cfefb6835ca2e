"""From CLD to stock-flow model: the intermediate model, its assumptions, and the files built from it."""

from gmb.stockflow.model import (
    CHANNELS,
    Auxiliary,
    Constant,
    Effect,
    Flow,
    Input,
    Lookup,
    Smooth,
    Stock,
    StockFlowModel,
    TimeSpec,
)

__all__ = [
    "CHANNELS", "Auxiliary", "Constant", "Effect", "Flow", "Input", "Lookup", "Smooth", "Stock",
    "StockFlowModel", "TimeSpec",
]  # fmt: skip
