"""One module per helpdesk export format."""
