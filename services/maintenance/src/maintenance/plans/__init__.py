"""Preventive maintenance plans and the generation of their work orders (the due-date
rules themselves are ``maintenance.pm``)."""
