"""Shift calendars as the API keeps them (the rules that expand them into shifts are in
``production.calendar``): patterns, holidays and exceptions of one plant's calendar."""
