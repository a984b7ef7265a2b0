"""Themes: repeated subjects found in tickets (embed -> cluster -> label -> stable ids)."""
