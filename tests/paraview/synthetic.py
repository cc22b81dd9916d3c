# SPDX-License-Identifier: MIT
"""The synthetic dumps of the ParaView suite and the voxel values expected from them, worked
out here from the bytes alone (not by memscape's code).

A raw file read at base 0 is one committed region [0, size) with no module, usage "other" (0)
and no protection (0); with --cell C on a compact layout, cell i holds bytes [i*C, (i+1)*C)
and cells past the end of the file are padding. Per cell, over the bytes the dump holds:
    present  bytes held / C                      mean     floor(sum of the bytes / held)
    entropy  Shannon bits per byte, 0..8         class    most frequent byte class, the lowest
                                                          class on ties (zero, control, text,
                                                          high, ff); 255 for padding
    usage    0, or 255 for padding               module   -1       protect  0
    pointers share of the aligned 8-byte little-endian values (raw dumps read as 64-bit)
             that point into the region, i.e. are below the file size; 0 with no value."""
import hashlib
import math
import struct

ARRAYS = ('present', 'mean', 'entropy', 'class', 'usage', 'module', 'protect', 'pointers',
          'findings')
# What VTK calls each array's type once loaded (GetDataTypeAsString).
VTK_TYPES = {'present': 'float', 'mean': 'unsigned char', 'entropy': 'float',
             'class': 'unsigned char', 'usage': 'unsigned char', 'module': 'int',
             'protect': 'unsigned short', 'pointers': 'float', 'findings': 'unsigned int'}
NONE = 255
ZERO, CONTROL, TEXT, HIGH, FF = range(5)


def byte_class(b):
    if b == 0:
        return ZERO
    if b == 0xff:
        return FF
    if b >= 0x80:
        return HIGH
    if 0x20 <= b <= 0x7e or b in (9, 10, 13):
        return TEXT
    return CONTROL


def cell_values(chunk, cell_bytes, file_size):
    """The arrays' values for one cell holding chunk (maybe empty: padding). A raw file shows
    no pattern (no exception, no threads, no modules), so no finding marks any voxel."""
    held = len(chunk)
    if held == 0:
        return {'present': 0.0, 'mean': 0, 'entropy': 0.0, 'class': NONE, 'usage': NONE,
                'module': -1, 'protect': 0, 'pointers': 0.0, 'findings': 0}
    counts = [0] * 256
    for b in chunk:
        counts[b] += 1
    entropy = -sum(c / held * math.log2(c / held) for c in counts if c)
    per_class = [0] * 5
    for b, c in enumerate(counts):
        per_class[byte_class(b)] += c
    words = [struct.unpack_from('<Q', chunk, i)[0] for i in range(0, held - 7, 8)]
    hits = sum(1 for w in words if w < file_size)
    return {'present': held / cell_bytes, 'mean': sum(chunk) // held,
            'entropy': min(8.0, max(0.0, entropy)),
            'class': per_class.index(max(per_class)), 'usage': 0, 'module': -1, 'protect': 0,
            'pointers': hits / len(words) if words else 0.0, 'findings': 0}


def expected_cells(data, cell_bytes, cells):
    """Values of cells 0..cells-1 of a raw file laid out from base 0, in cell order."""
    return [cell_values(data[i * cell_bytes:(i + 1) * cell_bytes], cell_bytes, len(data))
            for i in range(cells)]


def _stream(seed, n):
    """n deterministic random-looking bytes."""
    out = bytearray()
    block = 0
    while len(out) < n:
        out += hashlib.sha256(b'%d/%d' % (seed, block)).digest()
        block += 1
    return bytes(out[:n])


def _slab_cell(i, size, file_size):
    """Cell i of the slab dump: eight kinds of content, picked by a hash so neighbours along
    every axis differ."""
    noise = _stream(i, size)
    kind = noise[0] % 8
    if kind == 0:
        return bytes(size)                                    # all zero
    if kind == 1:
        return noise                                          # random: entropy near 6
    if kind == 2:
        return bytes(0x20 + b % 95 for b in noise)            # text
    if kind == 3:
        return bytes(0xff if b < 200 else b for b in noise)   # mostly 0xff
    if kind == 4:                                             # pointers into the file, some not
        words = [(int.from_bytes(noise[j:j + 8], 'little') % file_size) if noise[j] & 1
                 else int.from_bytes(noise[j:j + 8], 'little') | 1 << 63
                 for j in range(0, size, 8)]
        return b''.join(struct.pack('<Q', w) for w in words)[:size]
    if kind == 5:
        return bytes((i + j) & 0xff for j in range(size))     # a ramp
    if kind == 6:
        return bytes(1 + b % 31 for b in noise)               # control bytes
    return bytes(0x80 + i % 0x7f if b < 16 + i % 200 else 0 for b in noise)  # high + zero


def slab_dump(cell_bytes, full_cells, tail_bytes):
    """full_cells cells of mixed content, then a cell holding only tail_bytes."""
    file_size = full_cells * cell_bytes + tail_bytes
    data = b''.join(_slab_cell(i, cell_bytes, file_size) for i in range(full_cells))
    return data + _slab_cell(full_cells, cell_bytes, file_size)[:tail_bytes]


def signature_dump(cell_bytes, cells):
    """A file whose every cell has its own (mean, entropy) pair, so a voxel's values name the
    cell it shows. Cell i = 64 * hi + lo holds lo distinct bytes hi+1..hi+lo and
    cell_bytes - lo bytes of value hi: entropy grows with lo, mean then gives hi."""
    assert cell_bytes >= 64 and cells <= 64 * 128
    out = bytearray()
    for i in range(cells):
        hi, lo = divmod(i, 64)
        out += bytes(hi + j for j in range(1, lo + 1)) + bytes([hi]) * (cell_bytes - lo)
    return bytes(out)


def signature(values):
    return (values['mean'], round(values['entropy'], 4))
