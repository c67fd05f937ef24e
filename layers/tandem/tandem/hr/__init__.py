"""Human resources (issue 11): employees with effective-dated records, leave, recruitment.

Only the domain exists so far (docs/hr-payroll.md, "HR"); ports, adapters, service and bootstrap come next.
"""
