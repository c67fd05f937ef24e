"""Leads: contact-form submissions, their acknowledgement mail and its daily quota per address."""
