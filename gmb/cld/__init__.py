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
    "GRAPH_SCHEMA", "to_graph", "from_graph",
    # loops
    "Loop", "LoopResult", "find_loops", "loops_through", "covering_loops", "cycle_rank", "name_loops",
    # leverage and paths
    "Centrality", "VariableCentrality", "centrality", "reach", "TreeNode", "causes_tree", "uses_tree",
    "CausalPath", "PathSet", "IdeaPaths", "paths_to_outcome", "idea_paths", "verdict",
    # ideas' influence, the whole analysis
    "IdeaProfile", "idea_profile", "idea_profiles", "Analysis", "analyse",
    # merging maps, the connection circle
    "MergedLink", "MergeResult", "merge_maps", "ConnectionCircle", "CirclePoint", "CircleLink", "connection_circle",
]  # fmt: skip
