"""Blueprints of the portal: auth, portal pages, operators' pages, the REST API."""
