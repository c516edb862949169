"""The text pipeline: article text in, claims with offsets, sources and flags out.

Pure on purpose: nothing here imports Flask, sqlite3 or sqlite-utils (tests/test_layers.py
checks it), so the pipeline runs the same in the app, the command line and the evaluation.
"""
