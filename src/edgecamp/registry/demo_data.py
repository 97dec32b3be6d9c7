"""Loading the synthetic camp into the database (placeholder until the generator lands)."""
