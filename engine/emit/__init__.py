"""Emitters of a Result: JSON (the contract), a Rich table, a self-contained HTML report, and RDF (PROV-O)."""
