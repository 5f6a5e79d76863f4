"""Exact Online: relations and sales entries checked in Excel, exported as CSV for Exact's
import with saved import profiles.

* :mod:`~numnum_xl.exact.schema` - the field catalogues (relations, sales entries);
* :mod:`~numnum_xl.exact.relations` - a NumNum customer sheet as a relations CSV;
* :mod:`~numnum_xl.exact.codes` - stable relation codes (the code register);
* :mod:`~numnum_xl.exact.entries` - checking and exporting sales-entry lines;
* :mod:`~numnum_xl.exact.journal` - the invoice numbers already exported;
* :mod:`~numnum_xl.exact.lists` - lists of valid codes (relations, G/L accounts, VAT codes);
* :mod:`~numnum_xl.exact.csvout` - the CSV notation and formula-injection neutralising;
* :mod:`~numnum_xl.exact.sjabloon` - the sales-entry template workbook.
"""
