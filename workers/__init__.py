"""Background work: job functions, the cron table, the arq worker and the in-process runner."""
