# png.py FILE [RRGGBB...]: the width and height of the PNG image FILE (8
# bits a channel, as Chromium's screenshots are), then for each color how
# many of its pixels are exactly that color. Exit 1, saying why, when FILE
# is not such a PNG.
import struct
import sys
import zlib

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit("%s: not 8-bit RGB or RGBA without interlacing" % path)
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 2:
            line = bytearray((x + y) & 255 for x, y in zip(line, prev))
        elif f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def main(path, colors):
    w, h, bpp, rows = pixels(path)
    print(w, h)
    want = [bytes.fromhex(c) for c in colors]
    counts = [0] * len(want)
    for line in rows:
        px = [bytes(line[x:x + 3]) for x in range(0, len(line), bpp)]
        for i, c in enumerate(want):
            counts[i] += px.count(c)
    for c, n in zip(colors, counts):
        print(c, n)

main(sys.argv[1], sys.argv[2:])
