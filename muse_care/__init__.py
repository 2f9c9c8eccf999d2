"""MUSE Care: case management for customers' privacy requests."""

__version__ = "0.1.0"
APP_NAME = "MUSE Care"
