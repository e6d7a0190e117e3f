"""Page layouts: pure functions that turn data into Dash components and figures."""
