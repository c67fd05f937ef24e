"""Pure lead rules that need no fakes."""

from __future__ import annotations

import pytest
from tandem.crm.leads.domain.rules import quota_address, recipient_key


@pytest.mark.parametrize(
    "email, mailbox",
    [
        ("victim@example.com", "victim@example.com"),
        (" Victim@Example.COM ", "victim@example.com"),
        ("victim+1@example.com", "victim@example.com"),
        ("victim+2+x@corp.example", "victim@corp.example"),
        ("vic.tim+news@gmail.com", "vic.tim@gmail.com"),  # dots are provider-specific: kept
        ("+only@example.com", "+only@example.com"),  # nothing before the tag: the whole local part
    ],
)
def test_the_quota_counts_per_mailbox_ignoring_plus_tags_and_case(email, mailbox):
    assert quota_address(email) == mailbox


def test_sub_addresses_share_one_quota_key_dotted_variants_do_not():
    assert (
        recipient_key("victim+1@example.com")
        == recipient_key("victim+2@example.com")
        == recipient_key("VICTIM@example.com")
    )
    assert recipient_key("vic.tim@example.com") != recipient_key("victim@example.com")
