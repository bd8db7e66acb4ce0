"""Verdicts: whether a household, a village or a county meets the conditions to be identified or to exit.

``household`` — Ibis expressions over the canonical tables (every engine gives the same reasons);
``village`` and ``county`` — pure functions over an area's precomputed indicator values (三率一度).
"""
