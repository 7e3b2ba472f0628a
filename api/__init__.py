"""HTTP entry (FastAPI) and the `remit` command line."""
