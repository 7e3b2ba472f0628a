"""Receivables insights derived from the ledger: aging, DSO, days to pay, collections, as of any past date."""
