"""HTTP routes, one module per resource family."""

__all__ = ["auth", "orders", "plans", "territory"]
