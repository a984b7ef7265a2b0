"""Follow-ups: tell the customers whose complaints a fix answered, in their language.

`select` picks, per fix of the report's traces, one ticket per customer behind it (leaving out
hidden tickets, customers left alone, those answered after the fix and those already told);
`draft` writes each one's reply from a Jinja template in the customer's language; `apply`
writes them through the helpdesk (`helpdesks/`, one module per vendor) with a `ledger` in the
store and a marker in each note, so a re-run or a killed run never writes twice.
"""
