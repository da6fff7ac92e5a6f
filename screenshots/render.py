#!/usr/bin/env python3
"""Renders a tmux capture with colours (`tmux capture-pane -e -p`) to a PNG, cell by cell, as a
terminal would: full-width characters take two cells, SGR colours, bold, dim and reverse video.

Usage: render.py CAPTURE.ansi OUT.png COLUMNS ROWS
Needs Pillow (pip install pillow) and the fonts of Debian's fonts-dejavu-core and
fonts-ipafont-gothic (Japanese).
"""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

CELL_W, CELL_H, SIZE = 10, 20, 16
LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
LATIN_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
WIDE = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"

# A dark terminal palette (the 16 named colours the console uses).
PALETTE = [
    (0x1e, 0x1e, 0x1e), (0xcd, 0x31, 0x31), (0x0d, 0xbc, 0x79), (0xe5, 0xe5, 0x10),
    (0x24, 0x72, 0xc8), (0xbc, 0x3f, 0xbc), (0x11, 0xa8, 0xcd), (0xe5, 0xe5, 0xe5),
    (0x66, 0x66, 0x66), (0xf1, 0x4c, 0x4c), (0x23, 0xd1, 0x8b), (0xf5, 0xf5, 0x43),
    (0x3b, 0x8e, 0xea), (0xd6, 0x70, 0xd6), (0x29, 0xb8, 0xdb), (0xff, 0xff, 0xff),
]
FG, BG = (0xd4, 0xd4, 0xd4), (0x1e, 0x1e, 0x1e)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[n // 36], levels[n // 6 % 6], levels[n % 6])
    grey = 8 + (n - 232) * 10
    return (grey, grey, grey)


class Style:
    def __init__(self):
        self.fg, self.bg, self.bold, self.dim, self.reverse = None, None, False, False, False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.__init__()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 7:
                self.reverse = True
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif c == 39:
                self.fg = None
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                colour = xterm256(codes[i + 2])
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
                i += 2
            elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                colour = tuple(codes[i + 2:i + 5])
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
                i += 4
            i += 1

    def colours(self):
        fg, bg = self.fg or FG, self.bg or BG
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def wide(ch):
    return unicodedata.east_asian_width(ch) in ("W", "F")


def render(capture, out, columns, rows):
    fonts = {
        (False, False): ImageFont.truetype(LATIN, SIZE),
        (False, True): ImageFont.truetype(LATIN_BOLD, SIZE),
        (True, False): ImageFont.truetype(WIDE, SIZE),
        (True, True): ImageFont.truetype(WIDE, SIZE),
    }
    image = Image.new("RGB", (columns * CELL_W, rows * CELL_H), BG)
    draw = ImageDraw.Draw(image)
    style = Style()
    for y, line in enumerate(capture.split("\n")[:rows]):
        x = 0
        pos = 0
        while pos < len(line) and x < columns:
            m = SGR.match(line, pos)
            if m:
                style.apply(m.group(1))
                pos = m.end()
                continue
            if line[pos] == "\x1b":  # another escape: skip it
                end = re.match(r"\x1b\[[0-9;?]*[A-Za-z]", line[pos:])
                pos += end.end() if end else 1
                continue
            ch = line[pos]
            pos += 1
            cells = 2 if wide(ch) else 1
            fg, bg = style.colours()
            box = (x * CELL_W, y * CELL_H, (x + cells) * CELL_W, (y + 1) * CELL_H)
            draw.rectangle(box, fill=bg)
            if ch != " ":
                font = fonts[(cells == 2, style.bold)]
                draw.text((x * CELL_W, y * CELL_H + 2), ch, font=font, fill=fg)
            x += cells
        # The rest of the row keeps the last background (as a terminal's erase does).
        if x < columns:
            _, bg = style.colours() if style.bg or style.reverse else (None, BG)
            draw.rectangle((x * CELL_W, y * CELL_H, columns * CELL_W, (y + 1) * CELL_H), fill=bg)
        style = Style()
    image.save(out, optimize=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        render(f.read(), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
