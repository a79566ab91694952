"""Official trade statistics as evidence: CEPII BACI and UN Comtrade files, read on this
machine (never fetched), turned into dated, sourced import shares, RCA and Michaely
complementarity at the dataset's products (`kjmatch trade import`).

files.py reads and checks the files (every misfit located as file:line:col);
engine.py aggregates a BACI year out of core with DuckDB (the `trade` extra);
figures.py computes the indicators; facts.py writes them as dataset facts.
"""
