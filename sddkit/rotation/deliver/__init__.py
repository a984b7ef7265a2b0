"""Delivery of shifts to people's calendars: e-mail invitations (SMTP) and CalDAV."""
