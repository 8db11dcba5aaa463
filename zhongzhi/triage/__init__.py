"""Triage engine: a pure Python library for Chinese suggestion texts (no Django).

Modules: ``normalise`` (text folded for matching), ``dedup`` (near-duplicate groups and
an incremental index), ``resubmit`` (generator of realistic resubmissions for evaluation).
"""
