"""Building blocks every bounded context uses: errors, money, events, outbox, relay, HTTP edge."""
