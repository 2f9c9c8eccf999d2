"""Where the letter templates and fonts live (``muse_care/resource_paths.py``), for the
letters package and its callers."""

from muse_care.resource_paths import fonts_dir, letters_dir, resources_dir

__all__ = ["fonts_dir", "letters_dir", "resources_dir"]
