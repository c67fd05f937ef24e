"""CRM bounded context: parties, leads, deals. Today: lead capture from the contact form."""
