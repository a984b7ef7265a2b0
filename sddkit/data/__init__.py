"""Packaged data: the demo tickets (see sddkit.tickets.demo)."""
