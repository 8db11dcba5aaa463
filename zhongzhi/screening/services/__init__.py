"""Writes of screening: routing (``routing``) and decisions (``decisions``)."""
