"""Every SQL statement, the engine, tables and migrations, loaders. No dash or plotly here."""
