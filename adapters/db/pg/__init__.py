"""PostgreSQL's own repository classes (repositories.py), which the composition root builds on PostgreSQL."""
