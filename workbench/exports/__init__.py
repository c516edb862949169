"""Exports for editors, spreadsheets and publishers: CSV, JSON, ClaimReview, manifests."""
