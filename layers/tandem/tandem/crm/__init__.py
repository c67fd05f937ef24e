"""CRM: two bounded contexts on one table (``CrmTable``): ``leads`` (the contact form) and ``customers``
(customer records and their timelines, built from commerce events). They share nothing but the table."""
