"""Scenarios: interventions, bundles of ideas, and the answers a group asks for."""
