"""Set-up of organisations, teams and municipalities, and the first run of a fresh installation."""
