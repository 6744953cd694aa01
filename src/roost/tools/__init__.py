"""The admin tools, one module each (Cyrus names and flags); see roost.cli."""
