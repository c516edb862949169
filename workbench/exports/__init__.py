"""Exports for editors, spreadsheets and publishers: CSV, JSON, ClaimReview, manifests."""

# The JSON export's shape; manifests record it so a reader knows what it holds.
SCHEMA_VERSION = 1


class ExportStats:
    """Counts what an export wrote, for its manifest."""

    def __init__(self) -> None:
        self.rows = 0
