"""Policy rules as Ibis expressions, run unchanged on SQLite, PostgreSQL, DuckDB and Spark (no Django here).

``rules.RULES`` holds every check; ``engines`` turns a data source (the synthetic province's Parquet files, or
Arrow tables pulled from the live database) into Ibis tables with the canonical columns of ``schema``; ``run``
executes the rules and returns findings as one Arrow table, sorted, so engines can be compared row for row.
"""
