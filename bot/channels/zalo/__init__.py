"""Zalo Official Account: signed webhook into the shared intake, OA Open API for sending."""
