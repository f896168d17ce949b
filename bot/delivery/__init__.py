"""Chat delivery: core message types, the outbox fan-out and the rate limiter."""
