"""Rules: one module per kind of value, each a set of pure functions.

Every ``check`` function takes plain values (already read and made text where the field is an
identifier) and returns a list of :class:`~numnum_xl.rules.base.Issue`. They know nothing of
sheets, rows or cells; :mod:`numnum_xl.validate` places their issues in the sheet.
"""
