"""Remit's business rules: pure Python, standard library only."""
