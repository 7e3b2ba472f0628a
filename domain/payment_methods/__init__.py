"""Saved, tokenized payment methods of a customer."""
