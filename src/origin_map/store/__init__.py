"""Saving and reopening datasets: lists kept under an unguessable id, reviewed one click at a time.

Owns a loaded or reviewed places list's rows (one Parquet document, data only), its review
decisions (saved one at a time), where it came from, and when it was created, changed and last
opened; in one SQLite file by default (:mod:`.sqlite`) or in PostgreSQL (:mod:`.postgres`), same
schema, same migrations (:mod:`.schema`). :mod:`.datasets` is the interface
(:func:`.datasets.open_store`); there is no listing of datasets: an id is the only key. May
import the top-level modules, :mod:`origin_map.io`, :mod:`origin_map.geo` and
:mod:`origin_map.places`; never streamlit.
"""
