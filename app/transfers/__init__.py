"""Transfer of a household to the organisation of its new home town."""
