"""The agent web inbox (routes, templates, live updates, sign-in, roles, audit) will live here."""
