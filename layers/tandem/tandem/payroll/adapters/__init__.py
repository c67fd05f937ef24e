"""The only payroll modules that talk to AWS or render documents (the bank file, payslip PDFs)."""
