"""Shipping: ports, import rules, methods, rates and quotes."""
