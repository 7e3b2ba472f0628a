"""The partner REST API, version 1."""
