"""The desk: approval of decisions, blind double review and its adjudication, agreement
between reviewers, who is on a page now, and history rows as live events. Imports the
review, the team, storage and the shared errors and statuses; never Flask."""
