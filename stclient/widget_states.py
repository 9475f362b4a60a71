"""The widgets a simulated tab has drawn and the values its front end would send for them.

What `frontend/lib/src/WidgetStateManager.ts` does: a widget's value is registered when it is
first drawn (or when the server sets it), a form's values wait for its submit button, and the
state of widgets a full run did not draw is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState

WIDGET_KINDS = {"checkbox", "selectbox", "radio", "button", "text_input"}


@dataclass
class Widget:
    """A widget as last drawn: its id, element type, form and element proto."""

    id: str
    kind: str
    form_id: str
    proto: Any
    fragment_id: str = ""  # the fragment it was drawn in: a change reruns only that fragment


def state(widget_id: str, **value: Any) -> WidgetState:
    """Return a widget's state with one value field set (`bool_value=True`, ...)."""
    made = WidgetState(id=widget_id)
    for name, val in value.items():
        setattr(made, name, val)
    return made


def initial_state(widget: Widget, known: bool) -> WidgetState | None:
    """Return the state the front end registers for a drawn widget, or None to keep its own.

    `known`: the tab already holds a state for this widget; it is replaced only when the server
    set the widget's value. Buttons hold no state.
    """
    proto = widget.proto
    if widget.kind == "button" or (known and not proto.set_value):
        return None
    if widget.kind == "text_input":  # the front end sends its text, empty at first
        return state(widget.id, string_value=proto.value if proto.set_value else proto.default)
    if widget.kind == "checkbox":
        return state(widget.id, bool_value=proto.value if proto.set_value else proto.default)
    if proto.HasField("raw_value"):
        return state(widget.id, string_value=proto.raw_value)
    if proto.HasField("default") and 0 <= proto.default < len(proto.options):
        return state(widget.id, string_value=proto.options[proto.default])
    return state(widget.id)


def forget_inactive(
    widgets: dict[str, Widget],
    states: dict[str, WidgetState],
    form_states: dict[str, dict[str, WidgetState]],
    active: set[str],
) -> None:
    """Drop the widgets, and their states, whose ids are not in `active` (the last full run's)."""
    for widget_id in list(widgets):
        if widget_id not in active:
            widgets.pop(widget_id)
            states.pop(widget_id, None)
    for form in form_states.values():
        for widget_id in list(form):
            if widget_id not in active:
                form.pop(widget_id)
