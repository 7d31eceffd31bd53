"""Helpers shared by tests: real servers on 127.0.0.1, hostile and friendly test images."""
