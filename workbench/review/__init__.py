"""Reviewing claims: articles and their claims, statuses, notes, evidence, corrections,
undo, search, history and new versions of an article. Imports memory, the team, storage,
the text pipeline and the shared errors and statuses; never Flask."""
