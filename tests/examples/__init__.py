"""The examples (examples/): each program run as its README says, and its wiring asserted."""
