"""Starlette routes served on the console's own port: intake API, image bytes, sign-in, health."""
