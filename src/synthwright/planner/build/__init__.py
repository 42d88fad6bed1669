"""The offline planner's steps from a parsed request to spec data, one module each."""
