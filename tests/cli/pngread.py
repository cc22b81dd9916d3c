# SPDX-License-Identifier: MIT
"""A small, independent PNG decoder for the tests (8-bit RGB and palette PNGs of any bit depth,
not interlaced): the pictures memscape writes are checked without trusting its own code."""
import struct
import zlib


def _chunks(data):
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise ValueError(f'bad CRC in {kind!r}')
        yield kind, body
        pos += 12 + length


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _unfilter(raw, width, height, bpp_bits):
    stride = (width * bpp_bits + 7) // 8
    step = max(1, bpp_bits // 8)
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - step] if i >= step else 0
            b, c = prev[i], prev[i - step] if i >= step else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]) & 0xff
        rows.append(line)
        prev = line
    return rows


def read_png(path):
    """Returns (width, height, pixels as a list of (r, g, b) rows, {text key: value}).
    Reads 8-bit greyscale and RGB, and palette images of any depth; not interlaced."""
    with open(path, 'rb') as f:
        data = f.read()
    idat, text, palette = b'', {}, None
    for kind, body in _chunks(data):
        if kind == b'IHDR':
            width, height, depth, color, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if interlace or color not in (0, 2, 3) or (color in (0, 2) and depth != 8):
                raise ValueError('unsupported PNG layout')
        elif kind == b'PLTE':
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b'IDAT':
            idat += body
        elif kind == b'iTXt':
            key, rest = body.split(b'\0', 1)
            compressed, rest = rest[0], rest[2:]
            _, rest = rest.split(b'\0', 1)       # language
            _, value = rest.split(b'\0', 1)      # translated keyword
            text[key.decode('latin-1')] = (zlib.decompress(value) if compressed
                                           else value).decode('utf-8')
        elif kind == b'tEXt':
            key, value = body.split(b'\0', 1)
            text[key.decode('latin-1')] = value.decode('latin-1')
    bits = 24 if color == 2 else depth   # greyscale (0) and palette (3): depth bits a pixel
    rows = _unfilter(zlib.decompress(idat), width, height, bits)
    pixels = []
    for line in rows:
        if color == 2:
            pixels.append([tuple(line[3 * x:3 * x + 3]) for x in range(width)])
        elif color == 0:
            pixels.append([(v, v, v) for v in line[:width]])
        else:
            per_byte = 8 // depth
            idx = [(line[x // per_byte] >> (8 - depth * (x % per_byte + 1))) & ((1 << depth) - 1)
                   for x in range(width)]
            pixels.append([palette[i] for i in idx])
    return width, height, pixels, text
