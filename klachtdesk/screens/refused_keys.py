"""Why a key did nothing: a key of the screen that cannot act now says why, as the
command palette does (issue 15, item 12).

When no binding took a key, the app asks ``explain(screen, key)``:

- a binding of that key in the focus chain whose action is refused now
  (``check_action`` False or None) is explained by its node's ``why_not_now(action)``
  (a ``DeskNode`` says why; the case screen: "Alleen een afgesloten zaak kan worden
  heropend.", or that the role may not); without a reason it is named as not possible now;
- a binding of that key on another part of the screen that names itself (a widget with
  ``KEY_PLACE``: the planner's ``v`` on the sessions table while the focus is elsewhere)
  says where it works.

Keys bound nowhere on the screen stay silent (a typo is not news).
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from klachtdesk.screens.help import key_label


def _bindings(node: DOMNode, key: str) -> list[Binding]:
    return [b for b in node._bindings.key_to_bindings.get(key, ()) if not b.priority]  # noqa: SLF001


def _action_name(action: str) -> str:
    name = action.split("(", 1)[0]
    return name.rsplit(".", 1)[-1]


def _target(node: DOMNode, action: str) -> DOMNode:
    if action.startswith("screen."):
        return node.screen
    if action.startswith("app."):
        return node.app
    return node


def explain(screen: Screen[Any], key: str) -> str | None:
    """Why ``key`` did nothing on ``screen`` (None: it is bound nowhere there)."""
    focused = screen.focused
    chain = list(focused.ancestors_with_self) if focused is not None else [screen, screen.app]
    in_chain = {id(node) for node in chain}
    for node in chain:
        for binding in _bindings(node, key):
            target = _target(node, binding.action)
            action = _action_name(binding.action)
            why = getattr(target, "why_not_now", None)
            reason = why(action) if callable(why) else None
            if reason:
                return f"{key_label(key)} ({binding.description}): {reason}"
            if target.check_action(action, ()) is not True:
                return f"{key_label(key)} ({binding.description}) kan hier nu niet."
    for widget in screen.walk_children():
        place = getattr(widget, "KEY_PLACE", None)
        if place is None or id(widget) in in_chain or not widget.display:
            continue
        for binding in _bindings(widget, key):
            return f"{key_label(key)} ({binding.description}) werkt in {place}: ga daar eerst heen (Tab)."
    return None


__all__ = ["explain"]
