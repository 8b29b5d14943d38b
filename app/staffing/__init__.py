"""Staff positions, funding periods and the subsidy that follows from them."""
