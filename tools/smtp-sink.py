"""A real SMTP server for the tests: it accepts every message and saves each one as a file.

    smtp-sink.py --dir DIR [--port N]

Listens on 127.0.0.1 (port 0: any free one), prints "listening PORT" once it accepts
connections, and writes every message it receives to DIR twice: as <n>.eml, exactly as
received, and as <n>.json, decoded by Python's e-mail parser (envelope recipients, From, To,
Subject, Message-ID, Reply-To, the text and HTML bodies, the attachments' names, types and
sizes), which is what the tests read. Each file appears whole
(written aside, then renamed). Stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import time
from pathlib import Path

from aiosmtpd.smtp import SMTP


class SaveToDir:
    def __init__(self, out: Path):
        self.out = out
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{os.getpid()}-{next(self.counter)}"
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.write(name + ".eml", data)
        msg = email.message_from_bytes(data, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        attachments = [
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "size": len(part.get_payload(decode=True) or b""),
            }
            for part in msg.iter_attachments()
        ]
        decoded = {
            "envelope_from": envelope.mail_from,
            "envelope_to": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": body.get_content() if body is not None else "",
            "html": html.get_content() if html is not None else "",
            "reply_to": str(msg["Reply-To"] or ""),
            "attachments": attachments,
        }
        self.write(name + ".json", json.dumps(decoded, ensure_ascii=False).encode("utf-8"))
        return "250 Message accepted for delivery"

    def write(self, name: str, data: bytes) -> None:
        tmp = self.out / (name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.out / name)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    handler = SaveToDir(args.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", decode_data=False),
        host="127.0.0.1",
        port=args.port,
        reuse_address=True,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
