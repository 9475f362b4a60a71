"""Presenter view for the big screen: question, QR code to join, live chart, poll controls."""

from rounds.ui.educator_access import require_educator, sign_out_button
from rounds.ui.modules import require_module
from rounds.ui.presenter_widgets import draw_big_screen, draw_controls

require_educator()
module = require_module("poll")

draw_big_screen(module)
draw_controls(module)
sign_out_button()
