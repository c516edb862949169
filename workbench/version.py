"""The workbench's release number: one place, read by the package build, the CLI, the
page footer and the JSON export (CHANGELOG.md says what each release changed)."""

__version__ = "0.2.0"
