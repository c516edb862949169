"""Text processing: pure functions from bytes and markup to article text (no Flask, no SQL)."""
