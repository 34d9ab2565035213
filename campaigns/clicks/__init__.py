"""First-party clicks: the redirect hands each hit to a Redis stream (`handoff`), a Celery job
writes them to PostgreSQL in batches (`flush`). See campaigns/clicks/keys.py for the Redis
names."""
