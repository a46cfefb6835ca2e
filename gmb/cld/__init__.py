"""The causal-loop diagram as a graph: conversion, loops, leverage, merging."""

from gmb.cld.graph import GRAPH_SCHEMA, from_graph, to_graph

__all__ = ["GRAPH_SCHEMA", "to_graph", "from_graph"]
