"""``python -m gateway`` serves; ``python -m gateway rotate-keys`` rotates the signing key."""

from __future__ import annotations

import argparse
import asyncio
import sys

import structlog

from gateway.settings import Settings, load_settings
from gateway.tokens.keys import rotate_signing_key
from unison_config import SettingsError
from unison_log import configure
from unison_pg import Database


async def rotate_keys(settings: Settings) -> None:
    database = Database(settings.database_url, application_name="unison-gateway-cli")
    try:
        async with database.connection() as conn:
            kid, signs_from = await rotate_signing_key(
                conn, lead_seconds=settings.signing_key_lead, token_ttl=settings.access_token_ttl
            )
    finally:
        await database.close()
    print(f"new signing key {kid} is published now and signs from {signs_from.isoformat()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve HTTP (the default)")
    sub.add_parser("rotate-keys", help="publish a new signing key; it signs after the lead time")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2
    configure("gateway", settings.log_level)
    if args.command == "rotate-keys":
        asyncio.run(rotate_keys(settings))
        return 0
    from gateway.app import create_gateway
    from unison_web import serve

    structlog.get_logger("gateway").info(
        "gateway_starting", host=settings.http_host, port=settings.http_port
    )
    serve(create_gateway(settings), settings.http_host, settings.http_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
