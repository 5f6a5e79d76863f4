"""numnum-xl: check a customer list in Excel before it goes into NumNum or Exact Online."""

__version__ = "0.1.0"
