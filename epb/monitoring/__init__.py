"""The monitoring gateway (S5): HJ 212 device registry, receiver, readings, quarantine, commands.

See ``docs/monitoring.md`` for the models, the ingest path and how to read series.
"""
