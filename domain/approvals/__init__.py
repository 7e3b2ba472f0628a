"""Maker-checker approvals: refunds, write-offs and payout destination changes a second person must approve."""
