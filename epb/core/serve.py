"""``epb serve``: the web application under waitress (pure Python, threaded, production-grade)."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="epb serve", description="Run the epb web server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)

    from epb.cli import setup_django

    setup_django()
    from waitress import serve

    from epb.wsgi import application

    print(f"epb web: http://{args.host}:{args.port}/", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="epb")
    return 0
