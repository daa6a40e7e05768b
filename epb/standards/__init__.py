"""National environmental standards as data, and pure evaluators on top of them.

Tables live in ``epb/standards/data/*.json``; every table names its source (standard number and
table) and its effective date. Modules here import nothing from Django or the ``epb`` apps, and
this package imports none of them eagerly: import the module you need, e.g.
``from epb.standards import aqi``.
"""
