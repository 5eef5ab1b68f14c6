"""The OpenAPI 3.1 description of the REST API (kept beside the routes it describes)."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}


def _responses(ok: str, *codes: int) -> dict[str, Any]:
    text = {
        400: "bad parameter",
        401: "not logged in",
        403: "wrong role",
        404: "not yours, or absent",
    }
    out: dict[str, Any] = {"200": {"description": ok}}
    for code in codes:
        out[str(code)] = {
            "description": text[code],
            "content": {"application/json": {"schema": _ERROR}},
        }
    return out


OPEN_DATA_PATHS: dict[str, Any] = {
    "/open-data/consumption": {
        "get": {
            "summary": "Open data: consumption per district, month and medium (public)",
            "description": "Main meters of premises, summed per district, Europe/Warsaw "
            "calendar month and medium (electricity and heat in kWh, water and gas in m3). "
            "A group of fewer than 10 premises is never returned; suppressed_groups counts "
            "them. Licence CC BY 4.0.",
            "security": [],
            "parameters": [
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
                }
            ],
            "responses": {
                **_responses(
                    "rows: district, month, medium, unit, n_premises, total, per_premise", 400
                ),
                "200": {
                    "description": "rows (JSON) or the same columns as CSV",
                    "content": {"application/json": {}, "text/csv": {}},
                },
            },
        }
    },
    "/open-data/indicators": {
        "get": {
            "summary": "Open data: ISO 37120 indicators with definitions (public)",
            "description": "code, name, definition, unit, value (null = not available), "
            "period and note for each indicator.",
            "security": [],
            "responses": _responses("indicators"),
        }
    },
}


def openapi_document() -> dict[str, Any]:
    """The API description (served at /api/v1/openapi.json)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "KOF Utilities Platform - resident API",
            "version": "1",
            "description": "A household's own consumption, comparisons, tips and notices. "
            "Authentication: the portal session cookie (log in at /login). Times are ISO 8601 "
            "with offsets, periods are Europe/Warsaw calendar periods, energy in kWh, water "
            "and gas in m3, money in PLN gross.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                }
            },
        },
        "security": [{"session": []}],
        "paths": {
            "/health": {
                "get": {"summary": "Liveness", "security": [], "responses": _responses("ok")}
            },
            "/me": {
                "get": {
                    "summary": "The account and its household",
                    "responses": _responses("the account", 401),
                }
            },
            "/meters": {
                "get": {
                    "summary": "Meters this account may see",
                    "responses": _responses("meters", 401),
                }
            },
            "/meters/{meter_id}/consumption": {
                "get": {
                    "summary": "Consumption of one meter in a calendar period",
                    "parameters": [
                        {
                            "name": "meter_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {
                            "name": "period",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": ["day", "week", "month", "year"],
                                "default": "month",
                            },
                        },
                        {
                            "name": "date",
                            "in": "query",
                            "description": "a day in the period (default: the latest reading)",
                            "schema": {"type": "string", "format": "date"},
                        },
                    ],
                    "responses": _responses(
                        "points (ts, value, last_year, building_avg, cost_pln, "
                        "estimated_share) and totals",
                        400,
                        401,
                        404,
                    ),
                }
            },
            "/comparison": {
                "get": {
                    "summary": "Own history and similar households (quantiles, "
                    "groups of 10 or more)",
                    "responses": _responses("comparison", 401, 404),
                }
            },
            "/tips": {
                "get": {
                    "summary": "Saving tips with evidence and PLN/year",
                    "responses": _responses("tips", 401, 404),
                }
            },
            "/notices": {
                "get": {
                    "summary": "Outage notices for the household",
                    "responses": _responses("notices", 401),
                }
            },
            **OPEN_DATA_PATHS,
        },
    }
