"""mlmarket's checkov external checks: one module per rule, each a thin adapter over mlmarket.rules."""
