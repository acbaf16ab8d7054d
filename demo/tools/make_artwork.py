#!/usr/bin/env python3
"""Draw the demo show's artwork: a 1400x1400 RGB PNG (Apple's smallest), stdlib only.

    /usr/bin/python3 demo/tools/make_artwork.py OUT.png

A dusk gradient with a round "lens" and a letterbox band: deterministic bytes.
"""

import struct
import sys
import zlib

SIZE = 1400


def pixel(x, y):
    t = y / SIZE
    r, g, b = int(11 + 200 * t), int(16 + 90 * t), int(38 + 70 * t)
    dx, dy = x - SIZE * 0.5, y - SIZE * 0.45
    if dx * dx + dy * dy < (SIZE * 0.28) ** 2:
        r, g, b = 255, 211, 154
    if SIZE * 0.78 < y < SIZE * 0.86:
        r, g, b = 7, 6, 12
    return bytes((r, g, b))


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def main():
    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(SIZE)) for y in range(SIZE))
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 9))
    png += chunk(b"IEND", b"")
    with open(sys.argv[1], "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main()
