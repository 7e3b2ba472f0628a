"""SQLAlchemy 2 async persistence: tables, repositories and the unit of work."""
