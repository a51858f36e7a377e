"""Palabre: talk with your community, not at it."""
