"""Staff and volunteer accounts, roles, login and the admin's user pages."""
