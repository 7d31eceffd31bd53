"""Small widgets shared by pages: the page layout, status tags, the pager."""
