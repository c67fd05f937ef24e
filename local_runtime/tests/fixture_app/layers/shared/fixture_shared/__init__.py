"""Shared layer code of the fixture app."""

VALUE = "layer-v1"
