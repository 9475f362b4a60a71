"""Storage: the only place that talks to the database.

`engine.open_engine(url)` gives an engine with the schema in place; the other modules hold one
small group of reads and writes each (participants, votes, ...). Pages never hold SQL.
"""
