"""The team: accounts, roles and sessions, their administration, and who is assigned which
claims. Imports storage and the shared errors."""
