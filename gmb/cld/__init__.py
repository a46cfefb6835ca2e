"""The causal-loop diagram as a graph: conversion, loops, leverage, paths, influence, merging, circle."""

from gmb.cld.analysis import Analysis, analyse
from gmb.cld.circle import CircleLink, CirclePoint, ConnectionCircle, connection_circle
from gmb.cld.graph import GRAPH_SCHEMA, from_graph, to_graph
from gmb.cld.influence import IdeaProfile, idea_profile, idea_profiles
from gmb.cld.leverage import Centrality, TreeNode, VariableCentrality, causes_tree, centrality, reach, uses_tree
from gmb.cld.loops import Loop, LoopResult, covering_loops, cycle_rank, find_loops, loops_through, name_loops
from gmb.cld.merge import MergedLink, MergeResult, merge_maps
from gmb.cld.paths import CausalPath, IdeaPaths, PathSet, idea_paths, paths_to_outcome, verdict

__all__ = [
    "GRAPH_SCHEMA",
    "Analysis",
    "CausalPath",
    # leverage and paths
    "Centrality",
    "CircleLink",
    "CirclePoint",
    "ConnectionCircle",
    "IdeaPaths",
    # ideas' influence, the whole analysis
    "IdeaProfile",
    # loops
    "Loop",
    "LoopResult",
    "MergeResult",
    # merging maps, the connection circle
    "MergedLink",
    "PathSet",
    "TreeNode",
    "VariableCentrality",
    "analyse",
    "causes_tree",
    "centrality",
    "connection_circle",
    "covering_loops",
    "cycle_rank",
    "find_loops",
    "from_graph",
    "idea_paths",
    "idea_profile",
    "idea_profiles",
    "loops_through",
    "merge_maps",
    "name_loops",
    "paths_to_outcome",
    "reach",
    "to_graph",
    "uses_tree",
    "verdict",
]  # fmt: skip
