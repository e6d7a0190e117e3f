"""Provincial submissions: the Excel/CSV files provinces send, read safely and checked row by row.

Four kinds (``kinds.KINDS``): staff training completions, specialised inspections, periodic and
statistical reports, and institution readiness dates. A file is read without evaluating anything
(``reading``), every row checked against its declared schema and the VET database's codes and
stored rows (``validation``), and the accepted rows written into the tables the indicators already
count, all or none in one transaction (``writing``). Problems are codes with parameters; the
words, Vietnamese or English, belong to the core (``ioc_app.imports``).

Where the rows land: the VET database's own tables (see ``data_sources.schema``), tagged with the
import's id, so the next snapshot refresh counts them with the same queries as every other row.
"""
