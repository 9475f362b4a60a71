"""A protocol-level load generator for Rounds: simulated browsers on Streamlit's websocket.

`session` speaks Streamlit's browser protocol (BackMsg/ForwardMsg on `/_stcore/stream`),
`participant` walks one learner through the gate and the live poll (`soak_participant` keeps
changing their vote), `server` starts the app and samples its process, `stats` turns the records
into figures. `bench/load_poll.py` and `bench/soak.py` are the commands.
"""
