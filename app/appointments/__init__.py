"""Appointments, volunteers' shares and calendar feeds."""
