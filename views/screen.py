"""Screen view for the projector: the question, the live results, the QR code and join code.

Controls live on the console (`views/presenter.py`); keys O and S work the poll from here.
"""

from rounds.ui.educator_access import require_educator
from rounds.ui.modules import require_module
from rounds.ui.screen_widgets import draw_screen

require_educator()
draw_screen(require_module("poll"))
