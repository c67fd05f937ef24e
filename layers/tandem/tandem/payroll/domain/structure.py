"""Salary structures: named components, each declared as data and evaluated by one small interpreter.

A component is an earning, an employee deduction or an employer contribution, and its amount is one of
three declarative kinds (never an expression that is ``eval``'d): a fixed amount, a percentage of a named
base with an optional ceiling, or a progressive bracket table. A base is ``gross`` (the sum of the
earnings), ``base_salary`` (the employee's contractual monthly salary for the period) or another
component's name. The ceiling caps the BASE, not the amount, as ERPNext and the German
Beitragsbemessungsgrenze do: 9.3 % of a gross of 9,000 with a ceiling of 7,550 is 9.3 % of 7,550.

Building a structure checks names, bases and brackets and refuses a cycle between components, naming it
(``bonus -> gross -> bonus``); evaluation then follows a topological order fixed at build time. Every
component is rounded half up to the currency's minor unit once, where its own amount is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from tandem.payroll.domain.errors import InvalidSalaryStructure, SalaryStructureCycle
from tandem.shared.money import is_currency, round_to_minor

GROSS = "gross"
BASE_SALARY = "base_salary"
RESERVED_BASES = frozenset({GROSS, BASE_SALARY})
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_HUNDRED = Decimal(100)
ZERO = Decimal(0)


class ComponentKind(StrEnum):
    EARNING = "earning"
    EMPLOYEE_DEDUCTION = "employee_deduction"
    EMPLOYER_CONTRIBUTION = "employer_contribution"


class Withholding(StrEnum):
    """Where a deduction or contribution is owed until it is paid over: the tax office or the social
    insurers. It picks the ledger's liability account; earnings ignore it."""

    TAX = "tax"
    SOCIAL = "social"


@dataclass(frozen=True, slots=True)
class FixedAmount:
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PercentOf:
    """``percent`` % of ``base``, the base capped at ``ceiling`` when one is given."""

    base: str
    percent: Decimal
    ceiling: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Bracket:
    """``percent`` % on the part of the base above the previous bracket's bound, up to ``up_to``
    (None: no upper bound; only the last bracket)."""

    up_to: Decimal | None
    percent: Decimal


@dataclass(frozen=True, slots=True)
class ProgressiveBrackets:
    """Marginal rates over monthly brackets (an income tax table): each slice of the base at its own rate."""

    base: str
    brackets: tuple[Bracket, ...]


AmountRule = FixedAmount | PercentOf | ProgressiveBrackets


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    kind: ComponentKind
    rule: AmountRule
    # Multiplied by payment days / working days: what a month with unpaid leave or a late hire pays.
    prorated: bool = False
    withholding: Withholding = Withholding.SOCIAL

    @property
    def base(self) -> str | None:
        return None if isinstance(self.rule, FixedAmount) else self.rule.base


@dataclass(frozen=True)
class SalaryStructure:
    """A validated structure; build it with ``SalaryStructure.build``. ``order`` is the evaluation order."""

    name: str
    currency: str
    components: tuple[Component, ...]
    order: tuple[str, ...] = field(repr=False)

    @classmethod
    def build(cls, name: str, currency: str, components: Iterable[Component]) -> SalaryStructure:
        parts = tuple(components)
        if not is_currency(currency):
            raise InvalidSalaryStructure(details={"field": "currency", "problem": f"{currency[:8]!r} is not ISO 4217"})
        if not parts:
            raise InvalidSalaryStructure(details={"field": "components", "problem": "at least one component"})
        for part in parts:
            _check_component(part)
        _check_unique(parts)
        by_name = {part.name: part for part in parts}
        for part in parts:
            if part.base is not None and part.base not in RESERVED_BASES and part.base not in by_name:
                raise InvalidSalaryStructure(
                    details={"component": part.name, "problem": f"unknown base {part.base!r}"},
                )
        return cls(name, currency, parts, _evaluation_order(parts))

    def component(self, name: str) -> Component:
        return self._by_name[name]

    @property
    def _by_name(self) -> dict[str, Component]:
        return {part.name: part for part in self.components}

    def evaluate(self, base_salary: Decimal, payment_days: Decimal, working_days: int) -> dict[str, Decimal]:
        """Every component's amount for a month whose contractual salary is ``base_salary``: a prorated
        component is its full amount x payment days / working days, rounded once. In evaluation order."""
        amounts: dict[str, Decimal] = {}
        earnings = [part.name for part in self.components if part.kind is ComponentKind.EARNING]
        by_name = self._by_name
        for name in self.order:
            part = by_name[name]
            bases = {BASE_SALARY: base_salary}
            if part.base == GROSS:
                bases[GROSS] = sum((amounts[e] for e in earnings), ZERO)
            full = _full_amount(part.rule, {**amounts, **bases})
            if part.prorated:
                full = full * payment_days / working_days if working_days else ZERO
            amounts[name] = round_to_minor(full, self.currency)
        return amounts


def _full_amount(rule: AmountRule, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(rule, FixedAmount):
        return rule.amount
    base = max(values[rule.base], ZERO)
    if isinstance(rule, PercentOf):
        capped = base if rule.ceiling is None else min(base, rule.ceiling)
        return capped * rule.percent / _HUNDRED
    return progressive(base, rule.brackets)


def progressive(base: Decimal, brackets: tuple[Bracket, ...]) -> Decimal:
    """Σ over brackets of the slice of ``base`` inside it x its rate (unrounded)."""
    total, lower = ZERO, ZERO
    for bracket in brackets:
        upper = base if bracket.up_to is None else min(base, bracket.up_to)
        if upper > lower:
            total += (upper - lower) * bracket.percent / _HUNDRED
        if bracket.up_to is None or base <= bracket.up_to:
            break
        lower = bracket.up_to
    return total


def _cycle(names: list[str]) -> SalaryStructureCycle:
    return SalaryStructureCycle(
        f"The components depend on each other in a cycle: {' -> '.join(names)}", details={"cycle": names}
    )


def _problem(part: Component, problem: str) -> InvalidSalaryStructure:
    return InvalidSalaryStructure(details={"component": part.name[:40], "problem": problem})


def _check_component(part: Component) -> None:
    if not _NAME.fullmatch(part.name) or part.name in RESERVED_BASES:
        raise _problem(part, "a name is 1-40 of a-z, 0-9 and _, starts with a letter, and is not gross/base_salary")
    rule = part.rule
    if isinstance(rule, FixedAmount) and rule.amount < 0:
        raise _problem(part, "a fixed amount is not negative (a correction is a reversal run)")
    if isinstance(rule, PercentOf):
        if not ZERO <= rule.percent <= _HUNDRED:
            raise _problem(part, "a percentage is between 0 and 100")
        if rule.ceiling is not None and rule.ceiling <= 0:
            raise _problem(part, "a ceiling is positive")
    if isinstance(rule, ProgressiveBrackets):
        _check_brackets(part, rule.brackets)
    if part.base == part.name:
        raise _cycle([part.name, part.name])


def _check_brackets(part: Component, brackets: tuple[Bracket, ...]) -> None:
    if not brackets or brackets[-1].up_to is not None:
        raise _problem(part, "a bracket table ends with an open bracket (up_to null)")
    bounds = [b.up_to for b in brackets[:-1] if b.up_to is not None]
    if len(bounds) != len(brackets) - 1 or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
        raise _problem(part, "bracket bounds are positive and strictly increasing")
    if any(not ZERO <= b.percent <= _HUNDRED for b in brackets):
        raise _problem(part, "a bracket's percentage is between 0 and 100")


def _check_unique(parts: tuple[Component, ...]) -> None:
    seen: set[str] = set()
    for part in parts:
        if part.name in seen:
            raise _problem(part, "the name is used twice")
        seen.add(part.name)


def _dependencies(part: Component) -> list[str]:
    """Component names ``part`` needs first; ``gross`` stands for every earning."""
    if part.base == GROSS:
        return [GROSS]
    return [] if part.base in (None, BASE_SALARY) else [part.base]


def _evaluation_order(parts: tuple[Component, ...]) -> tuple[str, ...]:
    """Depth-first topological order in declaration order; a back edge is a cycle, reported with its path.
    ``gross`` is a node whose dependencies are the earnings, so "an earning of 10 % of gross" is a cycle."""
    graph = {part.name: _dependencies(part) for part in parts}
    graph[GROSS] = [part.name for part in parts if part.kind is ComponentKind.EARNING]
    order: list[str] = []
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in done:
            return
        if node in path:
            raise _cycle([*path[path.index(node) :], node])
        for needed in graph[node]:
            visit(needed, [*path, node])
        done.add(node)
        if node != GROSS:
            order.append(node)

    for part in parts:
        visit(part.name, [])
    return tuple(order)
