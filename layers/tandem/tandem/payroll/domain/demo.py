"""The demo salary structure ``make run`` will load: four components that show every kind of rule.

Monthly, in EUR, illustrative rates (not any country's law; docs/hr-payroll.md explains them):
- ``basic_salary``: earning, 100 % of the contractual base salary, prorated by payment days.
- ``social_security_employee``: employee deduction, 9.3 % of gross, the base capped at 7,550.00 (the cap
  is on the base, as for a statutory contribution ceiling), withheld as social contributions.
- ``income_tax``: employee deduction, progressive on gross: 0 % up to 1,000.00, 15 % to 3,000.00, 25 % to
  6,000.00, 35 % above; withheld as tax.
- ``social_security_employer``: employer contribution, 10.5 % of gross with the same cap, social.
"""

from __future__ import annotations

from decimal import Decimal

from tandem.payroll.domain.structure import (
    BASE_SALARY,
    GROSS,
    Bracket,
    Component,
    ComponentKind,
    PercentOf,
    ProgressiveBrackets,
    SalaryStructure,
    Withholding,
)

CONTRIBUTION_CEILING = Decimal("7550.00")
INCOME_TAX_BRACKETS = (
    Bracket(Decimal("1000.00"), Decimal(0)),
    Bracket(Decimal("3000.00"), Decimal(15)),
    Bracket(Decimal("6000.00"), Decimal(25)),
    Bracket(None, Decimal(35)),
)


def demo_structure() -> SalaryStructure:
    return SalaryStructure.build(
        "demo",
        "EUR",
        (
            Component("basic_salary", ComponentKind.EARNING, PercentOf(BASE_SALARY, Decimal(100)), prorated=True),
            Component(
                "social_security_employee",
                ComponentKind.EMPLOYEE_DEDUCTION,
                PercentOf(GROSS, Decimal("9.3"), CONTRIBUTION_CEILING),
            ),
            Component(
                "income_tax",
                ComponentKind.EMPLOYEE_DEDUCTION,
                ProgressiveBrackets(GROSS, INCOME_TAX_BRACKETS),
                withholding=Withholding.TAX,
            ),
            Component(
                "social_security_employer",
                ComponentKind.EMPLOYER_CONTRIBUTION,
                PercentOf(GROSS, Decimal("10.5"), CONTRIBUTION_CEILING),
            ),
        ),
    )
