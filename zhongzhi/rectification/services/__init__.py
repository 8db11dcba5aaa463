"""Writes of rectification: problems (problems.py), measure transitions and progress
(measures.py)."""
