"""Shared test helpers: personas, factories, the jurisdiction factory registry. Imported only by tests."""
