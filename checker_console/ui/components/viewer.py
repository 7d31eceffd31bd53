"""The project's own React components, wrapped for Reflex: viewer, prefetch, shortcuts, heartbeat,
and a timer that takes the decision's Undo off the screen when its window closes.

Each ``.jsx`` file sits beside this module; ``rx.asset(..., shared=True)`` copies it into the
frontend build and ``importable_path`` is how the compiled page imports it. They need nothing
from npm beyond React, and none of them evaluates code (the console's CSP forbids ``eval``).
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

_VIEWER_LIBRARY = rx.asset("image_viewer.jsx", shared=True).importable_path
_SHORTCUTS_LIBRARY = rx.asset("shortcuts.jsx", shared=True).importable_path
_HEARTBEAT_LIBRARY = rx.asset("heartbeat.jsx", shared=True).importable_path
_TRAIL_LIBRARY = rx.asset("viewing_trail.jsx", shared=True).importable_path
_EXPIRES_LIBRARY = rx.asset("expires_after.jsx", shared=True).importable_path


class ImageViewer(rx.Component):
    """Zoom, pan, rotate, brightness, contrast, invert and loupe, all in the browser.

    Page-wide keys (+ - [ ] 0 and the arrows) go to the viewer last focused, clicked or hovered;
    viewers sharing ``link_group`` zoom together while ``linked_zoom`` is on.
    """

    library = _VIEWER_LIBRARY
    tag = "ImageViewer"

    src: Var[str]
    alt: Var[str]
    viewer_id: Var[str]
    link_group: Var[str]
    label: Var[str]
    linked_zoom: Var[bool]


class ImagePrefetch(rx.Component):
    """Fetches and decodes ``urls`` in the background so a viewer shows them without waiting."""

    library = _VIEWER_LIBRARY
    tag = "ImagePrefetch"

    urls: Var[list[str]]


class KeyboardShortcuts(rx.Component):
    """A key presses the visible, enabled button marked ``data-shortcut="<key>"``."""

    library = _SHORTCUTS_LIBRARY
    tag = "KeyboardShortcuts"


class Heartbeat(rx.Component):
    """Calls ``on_beat`` every ``interval_ms`` while the page is open."""

    library = _HEARTBEAT_LIBRARY
    tag = "Heartbeat"

    interval_ms: Var[int]
    on_beat: rx.EventHandler[rx.event.no_args_event_spec]


class ViewingTrail(rx.Component):
    """Sends how the checker looked at the images, a batch at a time (see viewing_trail.jsx)."""

    library = _TRAIL_LIBRARY
    tag = "ViewingTrail"

    case_id: Var[int]
    flush_seconds: Var[int]
    on_batch: rx.EventHandler[lambda events: [events]]


class ExpiresAfter(rx.Component):
    """Shows its children for ``ms`` milliseconds after each new ``token``, then nothing."""

    library = _EXPIRES_LIBRARY
    tag = "ExpiresAfter"

    ms: Var[int]
    token: Var[int]


image_viewer = ImageViewer.create
expires_after = ExpiresAfter.create
image_prefetch = ImagePrefetch.create
keyboard_shortcuts = KeyboardShortcuts.create
heartbeat = Heartbeat.create
viewing_trail = ViewingTrail.create
