"""Block builders, one per unit type, found through ``registry.builder_for``."""
