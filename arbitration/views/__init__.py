"""Pages, one module per area; urls.py names them."""
