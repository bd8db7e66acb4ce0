"""fupin — 扶贫: targeted poverty alleviation driven by Party building."""

__version__ = "0.1.0"
