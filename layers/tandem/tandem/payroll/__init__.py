"""Payroll bounded context: salary structures, monthly payroll runs, payslips and their ledger postings
(issue 11). This session holds the pure domain only; tables, the state machine and routes come next."""
