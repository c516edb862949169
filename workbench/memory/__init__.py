"""What the workbench remembers across articles: the same claim found in other articles
(written as claims are stored), and every source's record. Imports the team, storage, the
text pipeline and the shared errors and statuses; the claims above it write into it."""
