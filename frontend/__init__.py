"""Static browser UI, shipped as package data."""
