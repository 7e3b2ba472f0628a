"""PDF documents customers download: invoices and payment receipts."""
