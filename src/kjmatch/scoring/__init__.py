"""Scoring: the value-chain graph, evidence, links, ranking, explain and stability.

Imports the model and the component registry (`kjmatch.weights`); never output or CLI.
"""
