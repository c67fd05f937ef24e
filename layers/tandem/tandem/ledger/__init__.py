"""The ledger context: chart of accounts, journal entries posted from billing events, trial balance."""
