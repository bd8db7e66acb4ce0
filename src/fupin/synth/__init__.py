"""Synthetic Guizhou: a deterministic generator of the registry at the end of 2017, calibrated to the seed article.

Pure Python + NumPy + Arrow; no Django import (the `fupin synth` command is the only Django face).
"""
