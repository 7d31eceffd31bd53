"""One module per page, each with its own small state class and a ``PAGE`` to register."""
