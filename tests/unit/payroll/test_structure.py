"""Salary structures: what a payroll user declares, what building refuses, what evaluation gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tandem.payroll.domain.demo import demo_structure
from tandem.payroll.domain.errors import InvalidSalaryStructure, SalaryStructureCycle
from tandem.payroll.domain.structure import (
    BASE_SALARY,
    GROSS,
    Bracket,
    Component,
    ComponentKind,
    FixedAmount,
    PercentOf,
    ProgressiveBrackets,
    SalaryStructure,
    progressive,
)

EARNING, DEDUCTION, EMPLOYER = (
    ComponentKind.EARNING,
    ComponentKind.EMPLOYEE_DEDUCTION,
    ComponentKind.EMPLOYER_CONTRIBUTION,
)
BASE = Component("base", EARNING, PercentOf(BASE_SALARY, Decimal(100)), prorated=True)


def build(*components: Component) -> SalaryStructure:
    return SalaryStructure.build("test", "EUR", components)


def test_components_are_evaluated_after_what_they_depend_on_whatever_the_declaration_order() -> None:
    structure = build(
        Component("pension", DEDUCTION, PercentOf("bonus", Decimal(10))),
        Component("tax", DEDUCTION, PercentOf(GROSS, Decimal(20))),
        Component("bonus", EARNING, PercentOf("base", Decimal(10))),
        BASE,
    )
    order = structure.order
    assert order.index("base") < order.index("bonus") < order.index("pension")
    assert order.index("bonus") < order.index("tax") and order.index("base") < order.index("tax")
    amounts = structure.evaluate(Decimal("3000.00"), Decimal(20), 20)
    assert amounts == {
        "base": Decimal("3000.00"),
        "bonus": Decimal("300.00"),
        "pension": Decimal("30.00"),
        "tax": Decimal("660.00"),
    }


def test_an_earning_that_is_a_percentage_of_gross_is_a_cycle_named_in_the_error() -> None:
    with pytest.raises(SalaryStructureCycle) as refused:
        build(BASE, Component("bonus", EARNING, PercentOf(GROSS, Decimal(5))))
    assert refused.value.details["cycle"] == ["bonus", "gross", "bonus"]
    assert "bonus -> gross -> bonus" in refused.value.message


def test_a_cycle_between_percentage_components_is_refused_with_its_path() -> None:
    with pytest.raises(SalaryStructureCycle) as refused:
        build(
            BASE,
            Component("a", DEDUCTION, PercentOf("b", Decimal(1))),
            Component("b", DEDUCTION, PercentOf("c", Decimal(1))),
            Component("c", DEDUCTION, PercentOf("a", Decimal(1))),
        )
    assert refused.value.details["cycle"] == ["a", "b", "c", "a"]
    assert refused.value.code == "salary_structure_cycle"


def test_a_component_based_on_itself_is_a_cycle() -> None:
    with pytest.raises(SalaryStructureCycle):
        build(BASE, Component("a", DEDUCTION, PercentOf("a", Decimal(1))))


@pytest.mark.parametrize(
    ("components", "problem"),
    [
        ((BASE, Component("tax", DEDUCTION, PercentOf("taxable", Decimal(10)))), "unknown base 'taxable'"),
        ((BASE, BASE), "the name is used twice"),
        ((Component("gross", EARNING, FixedAmount(Decimal(1))),), "not gross/base_salary"),
        ((Component("Base Pay", EARNING, FixedAmount(Decimal(1))),), "a name is"),
        ((Component("x", EARNING, FixedAmount(Decimal(-1))),), "not negative"),
        ((Component("x", DEDUCTION, PercentOf(GROSS, Decimal(101))),), "between 0 and 100"),
        ((Component("x", DEDUCTION, PercentOf(GROSS, Decimal(5), Decimal(0))),), "a ceiling is positive"),
        (
            (Component("x", DEDUCTION, ProgressiveBrackets(GROSS, (Bracket(Decimal(100), Decimal(5)),))),),
            "ends with an open bracket",
        ),
        (
            (
                Component(
                    "x",
                    DEDUCTION,
                    ProgressiveBrackets(
                        GROSS,
                        (
                            Bracket(Decimal(200), Decimal(5)),
                            Bracket(Decimal(100), Decimal(5)),
                            Bracket(None, Decimal(9)),
                        ),
                    ),
                ),
            ),
            "strictly increasing",
        ),
        (
            (
                Component(
                    "x",
                    DEDUCTION,
                    ProgressiveBrackets(GROSS, (Bracket(None, Decimal(5)), Bracket(None, Decimal(9)))),
                ),
            ),
            "strictly increasing",
        ),
        ((), "at least one component"),
    ],
)
def test_a_structure_that_cannot_be_evaluated_is_refused_naming_the_problem(components, problem) -> None:
    with pytest.raises(InvalidSalaryStructure) as refused:
        build(*components)
    assert problem in refused.value.details["problem"]
    assert refused.value.code == "invalid_salary_structure"


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(InvalidSalaryStructure):
        SalaryStructure.build("x", "EURO", (BASE,))


def test_the_ceiling_caps_the_base_not_the_amount() -> None:
    structure = build(BASE, Component("social", DEDUCTION, PercentOf(GROSS, Decimal("9.3"), Decimal("7550.00"))))
    assert structure.evaluate(Decimal("9000.00"), Decimal(1), 1)["social"] == Decimal("702.15")  # 9.3 % of 7,550
    assert structure.evaluate(Decimal("5000.00"), Decimal(1), 1)["social"] == Decimal("465.00")


@pytest.mark.parametrize(
    ("base", "tax"),
    [("0", "0"), ("1000", "0"), ("2000", "150"), ("3000", "300"), ("4000", "550"), ("6000", "1050"), ("10000", "2450")],
)
def test_progressive_brackets_tax_each_slice_at_its_own_rate(base: str, tax: str) -> None:
    brackets = demo_structure().component("income_tax").rule.brackets  # type: ignore[union-attr]
    assert progressive(Decimal(base), brackets) == Decimal(tax)


def test_each_component_is_rounded_half_up_to_cents_once() -> None:
    structure = build(BASE, Component("x", DEDUCTION, PercentOf("base", Decimal("0.5"))))
    # 0.5 % of 1.01 = 0.00505 -> 0.01 (half up), not 0.00 (half even would give 0.01 too; 0.00 is truncation)
    assert structure.evaluate(Decimal("1.01"), Decimal(1), 1)["x"] == Decimal("0.01")
    assert structure.evaluate(Decimal("1.00"), Decimal(1), 1)["x"] == Decimal("0.01")  # 0.005 -> 0.01


def test_a_prorated_component_pays_its_share_of_payment_days_and_a_fixed_one_does_not() -> None:
    structure = build(BASE, Component("allowance", EARNING, FixedAmount(Decimal("100.00"))))
    amounts = structure.evaluate(Decimal("3100.00"), Decimal("10.5"), 21)
    assert amounts == {"base": Decimal("1550.00"), "allowance": Decimal("100.00")}


def test_the_demo_structure_has_every_kind_of_rule() -> None:
    structure = demo_structure()
    kinds = {type(part.rule) for part in structure.components}
    assert kinds == {PercentOf, ProgressiveBrackets}
    assert {part.kind for part in structure.components} == set(ComponentKind)
    amounts = structure.evaluate(Decimal("4000.00"), Decimal(22), 22)
    assert amounts == {
        "basic_salary": Decimal("4000.00"),
        "social_security_employee": Decimal("372.00"),
        "income_tax": Decimal("550.00"),
        "social_security_employer": Decimal("420.00"),
    }
