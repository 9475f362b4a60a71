"""A Streamlit 1.67 websocket-protocol client: one simulated browser tab, as the front end speaks.

Shared by the tests that send forged values over the protocol (`tests/test_forged_input.py`,
`tests/test_limits.py`) and by the load benches (`bench/loadgen/`). No Rounds import.
"""
