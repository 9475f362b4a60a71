"""Presenter view for the big screen: question, QR code to join, live chart, poll controls."""

from rounds.ui.educator_access import require_educator, sign_out_button
from rounds.ui.modules import require_module
from rounds.ui.presenter_widgets import draw_controls
from rounds.ui.session_widgets import draw_session_controls, draw_session_screen

require_educator()
module = require_module("poll")

draw_session_screen(module)  # the live item of a session, else the poll's big screen
draw_session_controls(module)
draw_controls(module)
sign_out_button()
