"""Issue trackers (GitHub, Jira): the ledger of issues sddkit filed for themes."""
