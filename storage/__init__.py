"""The store: SQLAlchemy models, the unit of work, repositories and migrations.

Every SQL statement of HueBot lives in this package.
"""
