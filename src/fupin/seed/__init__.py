"""Demo and synthetic data into the database: the demo accounts and classifications, and `synth --into-db`.

The one app that knows every domain's loader; no other app imports it."""
