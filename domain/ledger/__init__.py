"""The invoice ledger: a double-entry, append-only journal from which balances are derived."""
