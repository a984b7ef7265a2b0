"""The team report: complaint -> theme -> issue -> fix, support health, rotation participation."""
