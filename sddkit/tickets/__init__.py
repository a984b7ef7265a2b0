"""Customer-support tickets: model, SQLite store, importers for helpdesk exports."""
