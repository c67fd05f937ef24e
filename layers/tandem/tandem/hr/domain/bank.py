"""Bank details: an IBAN checked by its ISO 7064 mod-97 checksum and its country's length and layout, and a BIC.

The checks are python-stdnum's (``stdnum.iban`` holds the SWIFT IBAN registry's length and format per
country; ``stdnum.bic`` the ISO 9362 shape and a real country code). Input may carry spaces and lower case;
the stored form is compact upper case, and ``display`` groups by four as a bank statement prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from tandem.hr.domain.errors import InvalidBic, InvalidIban

LAYOUT = "does not have this country's length or layout (a digit missing or too many?)"


def valid_iban(value: str) -> str:
    """``value`` as a compact, upper-case IBAN, or ``InvalidIban`` saying what is wrong with it.

    python-stdnum checks the checksum first, so a digit too few reads as a checksum error; to tell the
    person which it is, the layout is checked again with the correct check digits put in.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidIban("is required")
    number = stdnum_iban.compact(value)
    if len(number) < 5 or not number[:2].isalpha() or not number[2:4].isdigit() or not number.isalnum():
        raise InvalidIban("is not an IBAN: two letters, two check digits, then the account number")
    try:
        return stdnum_iban.validate(number)
    except InvalidChecksum as exc:
        repaired = number[:2] + stdnum_iban.calc_check_digits(number) + number[4:]
        if not stdnum_iban.is_valid(repaired):
            raise InvalidIban(LAYOUT) from exc
        raise InvalidIban("the check digits do not match (a typo?)") from exc
    except (InvalidLength, InvalidFormat, InvalidComponent) as exc:
        raise InvalidIban(LAYOUT) from exc
    except ValidationError as exc:
        raise InvalidIban("is not a valid IBAN for its country") from exc


def valid_bic(value: str) -> str:
    """``value`` as an upper-case 8 or 11 character BIC, or ``InvalidBic``."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidBic("is required")
    try:
        return stdnum_bic.validate(value)
    except ValidationError as exc:
        raise InvalidBic("is not a BIC: 4 letters (bank), 2 (country), 2 (place), optionally 3 (branch)") from exc


@dataclass(frozen=True)
class BankAccount:
    """Where the salary goes. Built only through ``of``, so an instance is always valid and compact."""

    iban: str
    bic: str | None = None

    @classmethod
    def of(cls, iban: str, bic: str | None = None) -> BankAccount:
        account = valid_iban(iban)
        code = valid_bic(bic) if bic is not None and bic.strip() else None
        if code is not None and code[4:6] != account[:2]:
            raise InvalidBic(f"is for country {code[4:6]} but the IBAN is for {account[:2]}")
        return cls(account, code)

    @property
    def display(self) -> str:
        """``DE89 3704 0044 0532 0130 00``."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))

    @property
    def masked(self) -> str:
        """``DE89 **** 3000``: enough for a person to recognise their account on a payslip or a list."""
        return f"{self.iban[:4]} **** {self.iban[-4:]}"
