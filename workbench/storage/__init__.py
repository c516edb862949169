"""Storage: the SQLite connection and its migrations, read caches, where the files live,
the clock, replication. Imports nothing else of the workbench."""
