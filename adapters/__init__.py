"""Adapters around the domain: database, processors, mail; bootstrap.py builds them from settings."""
