"""Email: rendering templates, handing messages to SMTP or keeping them in the outbox, delivery jobs' steps."""
