-- The store's clock (the server's TIME, or the caller's time in tests), for planning ticks.
return now
