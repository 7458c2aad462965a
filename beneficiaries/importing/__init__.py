"""Importing beneficiary lists, one module a step: ``columns`` (which column is which, and the template), ``check``
(each row on its own), ``read`` (the file into checked rows), ``match`` (the rows against the registry), ``plan``
(what importing each row does), ``commit`` (the all-or-nothing write) and ``batches`` (an uploaded file's check,
commit and error file). Spreadsheets are read and written by ``pekka.spreadsheets``."""
