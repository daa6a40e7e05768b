"""Every write of the enforcement app: keyword-only ``actor``, one transaction, audit entries.

Split by sub-domain; import from the sub-modules (``services.plans``, ``services.measures`` …).
"""
