"""Plain Python helpers: no models, no Django apps."""
