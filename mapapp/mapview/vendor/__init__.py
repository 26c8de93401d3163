"""Third-party browser files committed with mapapp (see fetch.py for where they come from)."""
