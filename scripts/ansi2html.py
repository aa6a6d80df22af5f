#!/usr/bin/env python3
"""Turn a terminal capture (`tmux capture-pane -e -p -N`) into a self-contained HTML page.

    tmux capture-pane -e -p -N -t SESSION | scripts/ansi2html.py -t "lambdash — functions" > out.html

The page shows one terminal window: a title bar with the caption and, under it, the captured screen
on an exact character grid (DejaVu Sans Mono, fixed row height, every non-ASCII character in a box
of exactly one or two cells, so columns line up whatever font the glyph comes from). Box-drawing
lines (light, heavy, double, rounded), block elements (halves, eighths, quadrants, shades) and braille
are drawn as SVG on the cell's pixel grid, as terminals do, so borders join up, bars fill their cells
and braille graphs line up, whatever the font (the usual monospace fonts lack braille).

Understands SGR: 16 colours (30-37, 90-97, 40-47, 100-107), 256 colours (38;5;N / 48;5;N),
truecolor (38;2;R;G;B, also the colon forms), default colours (39/49), bold, dim, italic,
underline (4, 4:N, 21), blink (ignored), reverse, hidden, strike-through, overline and resets.
Other escape sequences (cursor movement, OSC such as hyperlinks, charset shifts) are skipped;
DEC line-drawing (ESC ( 0 / SO) is mapped to Unicode box drawing.

Python 3 standard library only. After the page loads, <body data-size="WxH"> holds the pixel size of
the window so a caller can size a screenshot to it (chromium --dump-dom, see scripts/screenshots).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import unicodedata

# ---------------------------------------------------------------------------------------------
# Colours

# Terminal schemes: default fg/bg and the 16 ANSI colours. "dark" follows Tokyo Night (the
# palette of lambdash's default theme), "light" the Tokyo Night Day one.
SCHEMES = {
    "dark": {
        "fg": "#c0caf5",
        "bg": "#1a1b26",
        "chrome": "#16161e",
        "chrome_fg": "#a9b1d6",
        "edge": "#2a2e42",
        "ansi": [
            "#15161e", "#f7768e", "#9ece6a", "#e0af68", "#7aa2f7", "#bb9af7", "#7dcfff", "#a9b1d6",
            "#414868", "#ff899d", "#9fe044", "#faba4a", "#8db0ff", "#c7a9ff", "#a4daff", "#c0caf5",
        ],
    },
    "light": {
        "fg": "#343b58",
        "bg": "#f5f5f7",
        "chrome": "#e1e2e7",
        "chrome_fg": "#4c505e",
        "edge": "#c4c8da",
        "ansi": [
            "#343b58", "#c0283f", "#3d7a2a", "#8f5e00", "#2e59c9", "#7847bd", "#00708a", "#6c6f85",
            "#9699a3", "#d1475c", "#4f8f3a", "#a06d00", "#3f6fe0", "#8f5fd6", "#118aa5", "#343b58",
        ],
    },
}


def hex_rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def rgb_hex(c: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % c


def xterm256(n: int, ansi: list[str]) -> tuple[int, int, int]:
    if n < 16:
        return hex_rgb(ansi[n])
    if n < 232:
        n -= 16
        levels = (0, 95, 135, 175, 215, 255)
        return (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    g = 8 + 10 * (n - 232)
    return (g, g, g)


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """a blended towards b by t (0 = a, 1 = b)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Parsing

class Style:
    """SGR state. Colours: None = default, ("i", n) = palette index 0-255, ("rgb", (r, g, b))."""

    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "hidden", "strike",
                 "overline")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = self.overline = False

    def key(self) -> tuple:
        return tuple(getattr(self, s) for s in self.__slots__)


def parse_extended_colour(params: list[list[str]], i: int) -> tuple[object, int]:
    """Parses the colour after 38/48/58 at params[i]. Returns (colour or None, index of next param)."""
    first = params[i]
    if len(first) > 1:  # colon form: 38:5:N or 38:2:[cs]:R:G:B
        sub = first[1:]
        try:
            if sub[0] == "5" and len(sub) >= 2:
                return ("i", int(sub[1]) & 255), i + 1
            if sub[0] == "2":
                rgb = [x for x in sub[1:]]
                if len(rgb) >= 4:  # colour-space id present (possibly empty)
                    rgb = rgb[1:4]
                r, g, b = (int(x or 0) & 255 for x in rgb[:3])
                return ("rgb", (r, g, b)), i + 1
        except (ValueError, IndexError):
            pass
        return None, i + 1
    # semicolon form: 38;5;N or 38;2;R;G;B
    try:
        mode = params[i + 1][0]
        if mode == "5":
            return ("i", int(params[i + 2][0]) & 255), i + 3
        if mode == "2":
            r, g, b = (int(params[i + k][0] or 0) & 255 for k in (2, 3, 4))
            return ("rgb", (r, g, b)), i + 5
    except (ValueError, IndexError):
        pass
    return None, len(params)


def apply_sgr(style: Style, raw: str) -> None:
    params = [p.split(":") for p in raw.split(";")] if raw else [["0"]]
    i = 0
    while i < len(params):
        p = params[i]
        try:
            n = int(p[0]) if p[0] else 0
        except ValueError:
            i += 1
            continue
        if n == 0:
            style.reset()
        elif n == 1:
            style.bold = True
        elif n == 2:
            style.dim = True
        elif n == 3:
            style.italic = True
        elif n == 4:
            style.underline = not (len(p) > 1 and p[1] == "0")
        elif n == 7:
            style.reverse = True
        elif n == 8:
            style.hidden = True
        elif n == 9:
            style.strike = True
        elif n == 21:
            style.underline = True
        elif n == 22:
            style.bold = style.dim = False
        elif n == 23:
            style.italic = False
        elif n == 24:
            style.underline = False
        elif n == 27:
            style.reverse = False
        elif n == 28:
            style.hidden = False
        elif n == 29:
            style.strike = False
        elif 30 <= n <= 37:
            style.fg = ("i", n - 30)
        elif n == 39:
            style.fg = None
        elif 40 <= n <= 47:
            style.bg = ("i", n - 40)
        elif n == 49:
            style.bg = None
        elif n == 53:
            style.overline = True
        elif n == 55:
            style.overline = False
        elif 90 <= n <= 97:
            style.fg = ("i", n - 90 + 8)
        elif 100 <= n <= 107:
            style.bg = ("i", n - 100 + 8)
        elif n in (38, 48, 58):
            colour, i = parse_extended_colour(params, i)
            if n == 38:
                style.fg = colour
            elif n == 48:
                style.bg = colour
            continue  # 58 (underline colour) is ignored
        i += 1


# DEC special graphics (ESC ( 0), for programs that draw boxes that way.
DEC_GRAPHICS = dict(zip("`abcdefghijklmnopqrstuvwxyz{|}~",
                        "◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·"))

# CSI, OSC (BEL or ST terminated), charset designation, other two-byte escapes, or one character.
TOKEN = re.compile(
    r"\x1b\[([0-9;:?<=>]*)([ -/]*)([@-~])"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b([()*+])(.)"
    r"|\x1b.?"
    r"|([\x0e\x0f])"
    r"|([^\x1b\x0e\x0f]+)",
    re.S,
)


def char_width(ch: str) -> int:
    o = ord(ch)
    if o < 0x300:
        return 1 if o >= 0x20 else 0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if 0x1160 <= o <= 0x11FF:  # Hangul medial vowels and final consonants
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text: str) -> list[list[tuple[str, int, tuple]]]:
    """Rows of cells (text, width, style key). Style carries across lines, as tmux emits it."""
    style = Style()
    g0_graphics = False
    shifted = False
    rows: list[list[tuple[str, int, tuple]]] = []
    for line in text.split("\n"):
        cells: list[tuple[str, int, tuple]] = []
        for m in TOKEN.finditer(line):
            if m.group(3) is not None:
                if m.group(3) == "m" and not m.group(2) and not (m.group(1) or "").startswith(("?", "<", "=", ">")):
                    apply_sgr(style, m.group(1) or "")
                continue
            if m.group(4) is not None:
                if m.group(4) == "(":
                    g0_graphics = m.group(5) == "0"
                continue
            if m.group(6) is not None:
                shifted = m.group(6) == "\x0e"
                continue
            chunk = m.group(7)
            if chunk is None:
                continue  # OSC or other escape
            key = style.key()
            for ch in chunk:
                if ch == "\t":
                    for _ in range(8 - len(cells) % 8):
                        cells.append((" ", 1, key))
                    continue
                if ch == "\r":
                    continue
                if (g0_graphics or shifted) and ch in DEC_GRAPHICS:
                    ch = DEC_GRAPHICS[ch]
                w = char_width(ch)
                if w == 0:
                    if cells and ord(ch) >= 0x300:
                        t, cw, k = cells[-1]
                        cells[-1] = (t + ch, cw, k)
                    continue
                cells.append((ch, w, key))
        rows.append(cells)
    # capture-pane ends with a newline: drop the empty last element.
    if rows and not rows[-1]:
        rows.pop()
    return rows


# ---------------------------------------------------------------------------------------------
# Rendering

SLOTS = Style.__slots__


def resolve(key: tuple, scheme: dict) -> tuple[tuple[int, int, int], tuple[int, int, int] | None, dict]:
    """(fg rgb, bg rgb or None for the terminal background, flags) for a style key."""
    s = dict(zip(SLOTS, key))
    ansi = scheme["ansi"]
    default_fg, default_bg = hex_rgb(scheme["fg"]), hex_rgb(scheme["bg"])

    def colour(c: object, default: tuple[int, int, int] | None) -> tuple[int, int, int] | None:
        if c is None:
            return default
        kind, v = c  # type: ignore[misc]
        return xterm256(v, ansi) if kind == "i" else v

    fg = colour(s["fg"], default_fg)
    bg = colour(s["bg"], None)
    if s["reverse"]:
        fg, bg = (bg or default_bg), fg
    if s["dim"]:
        fg = mix(fg, bg or default_bg, 0.45)
    if s["hidden"]:
        fg = bg or default_bg
    return fg, bg, s


# Box-drawing lines, block elements and braille are drawn as SVG on the cell's pixel grid, the way
# terminals draw them, so borders join up and bars fill their cells whatever the font.

_DIRS = {"HORIZONTAL": "LR", "VERTICAL": "UD", "UP": "U", "DOWN": "D", "LEFT": "L", "RIGHT": "R"}
_WEIGHTS = ("LIGHT", "HEAVY", "DOUBLE", "SINGLE")


def box_arms(ch: str) -> tuple[dict[str, str], bool] | None:
    """{direction: LIGHT|HEAVY|DOUBLE}, is-arc; from the character's Unicode name. None: not a line."""
    name = unicodedata.name(ch, "")
    if not name.startswith("BOX DRAWINGS ") or "DASH" in name or "DIAGONAL" in name:
        return None
    body = name[len("BOX DRAWINGS "):]
    arc = " ARC " in " %s " % body
    arms: dict[str, str] = {}
    weight = "LIGHT"
    for part in body.replace("ARC ", "").split(" AND "):
        words = part.split()
        own = [w for w in words if w in _WEIGHTS]
        if own:
            weight = "LIGHT" if own[0] == "SINGLE" else own[0]
        for w in words:
            for d in _DIRS.get(w, ""):
                arms[d] = weight
    return (arms, arc) if arms else None


def svg(w: int, h: int, body: str, crisp: bool = True) -> str:
    return ('<svg class="g" width="%d" height="%d" viewBox="0 0 %d %d"%s>%s</svg>'
            % (w, h, w, h, ' shape-rendering="crispEdges"' if crisp else "", body))


def rect(x: float, y: float, w: float, h: float, opacity: float = 1.0) -> str:
    if w <= 0 or h <= 0:
        return ""
    extra = ' fill-opacity="%g"' % opacity if opacity < 1 else ""
    return '<rect x="%g" y="%g" width="%g" height="%g"%s/>' % (x, y, w, h, extra)


def box_svg(ch: str, W: int, H: int) -> str | None:
    parsed = box_arms(ch)
    if parsed is None:
        return None
    arms, arc = parsed
    t = max(1, round(W / 9))               # light line
    heavy = max(t + 1, round(W * 0.28))    # heavy line
    g = max(t + 1, round(W * 0.22))        # double: each line this far from the centre
    cx, cy = W // 2, H // 2
    if arc:
        # Rounded corner: a quarter circle joining the two arms' centre lines.
        x, y = cx + t / 2, cy + t / 2
        r = max(1.0, min(W, H) / 2 - 0.5)
        horiz = "R" if "R" in arms else "L"
        vert = "D" if "D" in arms else "U"
        ex = W if horiz == "R" else 0
        ey = H if vert == "D" else 0
        sx = 1 if horiz == "R" else -1
        sy = 1 if vert == "D" else -1
        sweep = 0 if sx == sy else 1
        d = "M%g %g H%g A%g %g 0 0 %d %g %g V%g" % (ex, y, x + sx * r, r, r, sweep, x, y + sy * r, ey)
        return svg(W, H, '<path d="%s" fill="none" stroke="currentColor" stroke-width="%d"/>'
                   % (d, t), crisp=False)

    def span(ds: str) -> tuple[int, int] | None:
        """Pixel range [lo, hi) the arms in ds cover across their axis, around the centre."""
        lo = hi = None
        centre = cy if ds in ("LR",) else cx
        for d in ds:
            wgt = arms.get(d)
            if wgt is None:
                continue
            if wgt == "DOUBLE":
                a, b = centre - g, centre + g + t
            else:
                th = heavy if wgt == "HEAVY" else t
                a, b = centre - th // 2, centre - th // 2 + th
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
        return None if lo is None else (lo, hi)

    out = []
    h_span, v_span = span("LR"), span("UD")
    for d, wgt in arms.items():
        vertical = d in "UD"
        centre = cx if vertical else cy
        length = H if vertical else W
        mid = cy if vertical else cx
        perp = h_span if vertical else v_span           # the crossing arms
        perp_double = any(arms.get(p) == "DOUBLE" for p in ("LR" if vertical else "UD"))
        opposite = {"U": "D", "D": "U", "L": "R", "R": "L"}[d]
        toward_start = d in "UL"                         # the arm runs from 0 to the centre
        sides = ("L", "R") if vertical else ("U", "D")
        if wgt == "DOUBLE":
            lines = [(centre - g, sides[0]), (centre + g, sides[1])]
            th = t
        else:
            th = heavy if wgt == "HEAVY" else t
            lines = [(centre - th // 2, None)]
        for pos, side in lines:
            # Where this line stops at the centre.
            if wgt == "DOUBLE" and side is not None and arms.get(side) == "DOUBLE":
                near, far = mid - g, mid + g + t         # meet the side arm's nearer line
                stop_lo, stop_hi = (mid - g, mid - g + t) if toward_start else (mid + g, mid + g + t)
                end_in = stop_hi if toward_start else stop_lo
            elif perp is not None and perp_double and wgt != "DOUBLE" and opposite not in arms:
                end_in = (mid - g + t) if toward_start else (mid + g)   # touch the nearer line
            elif perp is not None:
                end_in = perp[1] if toward_start else perp[0]            # cover the junction
            elif opposite in arms:
                end_in = mid + th if toward_start else mid
            else:
                end_in = (mid - th // 2 + th) if toward_start else (mid - th // 2)
            a, b = (0, end_in) if toward_start else (end_in, length)
            if vertical:
                out.append(rect(pos, a, th, b - a))
            else:
                out.append(rect(a, pos, b - a, th))
    return svg(W, H, "".join(out))


def block_svg(ch: str, W: int, H: int) -> str | None:
    o = ord(ch)
    eighth_h = lambda k: round(H * k / 8)  # noqa: E731
    eighth_w = lambda k: round(W * k / 8)  # noqa: E731
    hx, hy = round(W / 2), round(H / 2)
    body = None
    if o == 0x2580:                                   # ▀ upper half
        body = rect(0, 0, W, hy)
    elif 0x2581 <= o <= 0x2588:                       # ▁..█ lower eighths
        k = o - 0x2580
        body = rect(0, H - eighth_h(k), W, eighth_h(k))
    elif 0x2589 <= o <= 0x258F:                       # ▉..▏ left eighths
        k = 0x2590 - o
        body = rect(0, 0, eighth_w(k), H)
    elif o == 0x2590:                                 # ▐ right half
        body = rect(hx, 0, W - hx, H)
    elif 0x2591 <= o <= 0x2593:                       # ░▒▓ shades
        body = rect(0, 0, W, H, opacity=(o - 0x2590) / 4)
    elif o == 0x2594:                                 # ▔ upper eighth
        body = rect(0, 0, W, eighth_h(1))
    elif o == 0x2595:                                 # ▕ right eighth
        body = rect(W - eighth_w(1), 0, eighth_w(1), H)
    elif 0x2596 <= o <= 0x259F:                       # quadrants
        quads = {0x2596: "l", 0x2597: "r", 0x2598: "L", 0x2599: "Llr", 0x259A: "Lr",
                 0x259B: "LRl", 0x259C: "LRr", 0x259D: "R", 0x259E: "Rl", 0x259F: "Rlr"}[o]
        parts = {"L": (0, 0, hx, hy), "R": (hx, 0, W - hx, hy),
                 "l": (0, hy, hx, H - hy), "r": (hx, hy, W - hx, H - hy)}
        body = "".join(rect(*parts[q]) for q in quads)
    return None if body is None else svg(W, H, body)


def braille_svg(ch: str, W: int, H: int) -> str:
    bits = ord(ch) - 0x2800
    # bit -> (column, row): dots 1-3 left rows 0-2, 4-6 right rows 0-2, 7 left row 3, 8 right row 3.
    pos = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]
    r = max(0.8, W * 0.15)
    dots = "".join(
        '<circle cx="%.2f" cy="%.2f" r="%.2f"/>' % (W * (1 + 2 * c) / 4, H * (1 + 2 * rw) / 8, r)
        for b, (c, rw) in enumerate(pos) if bits & (1 << b)
    )
    return svg(W, H, dots, crisp=False)


_GLYPHS: dict[tuple[str, int, int], str] = {}


def cell_html(text: str, width: int, cell_px: int, line_px: int) -> str:
    o = ord(text[0])
    if width == 1 and 0x20 <= o < 0x7F and len(text) == 1:
        return html.escape(text, quote=False)
    cls = "c" if width == 1 else "c w"
    if len(text) == 1 and (0x2500 <= o <= 0x259F or 0x2800 <= o <= 0x28FF):
        key = (text, cell_px, line_px)
        if key not in _GLYPHS:
            if o >= 0x2800:
                drawn = braille_svg(text, cell_px, line_px)
            elif o >= 0x2580:
                drawn = block_svg(text, cell_px, line_px)
            else:
                drawn = box_svg(text, cell_px, line_px)
            _GLYPHS[key] = drawn or ""
        if _GLYPHS[key]:
            return '<span class="%s">%s</span>' % (cls, _GLYPHS[key])
        if o < 0x2580:
            cls += " bx"  # dashed and diagonal lines: the font's glyph, stretched to the row
    return '<span class="%s">%s</span>' % (cls, html.escape(text, quote=False))


def render(rows: list, cols: int, nrows: int, title: str, scheme_name: str, font_px: float,
           cell_px: int, line_px: int, margin: int) -> str:
    scheme = SCHEMES[scheme_name]
    default_fg, default_bg = hex_rgb(scheme["fg"]), hex_rgb(scheme["bg"])
    plain = Style().key()
    body_rows = []
    for r in range(nrows):
        cells = rows[r] if r < len(rows) else []
        # Clip to the grid, pad with plain blanks (terminal background).
        used, clipped = 0, []
        for c in cells:
            if used + c[1] > cols:
                break
            clipped.append(c)
            used += c[1]
        clipped.extend((" ", 1, plain) for _ in range(cols - used))
        # One box per run of equally styled cells, exactly (cells × cell width) wide: rows cannot
        # drift whatever the font's advance.
        runs: list[str] = []
        i = 0
        while i < len(clipped):
            key = clipped[i][2]
            j = i
            while j < len(clipped) and clipped[j][2] == key:
                j += 1
            fg, bg, s = resolve(key, scheme)
            css = ["width:%dpx" % (cell_px * sum(w for _, w, _ in clipped[i:j]))]
            if fg != default_fg:
                css.append("color:" + rgb_hex(fg))
            if bg is not None and bg != default_bg:
                css.append("background:" + rgb_hex(bg))
            if s["bold"]:
                css.append("font-weight:bold")
            if s["italic"]:
                css.append("font-style:italic")
            deco = [n for n, on in (("underline", s["underline"]), ("line-through", s["strike"]),
                                    ("overline", s["overline"])) if on]
            if deco:
                css.append("text-decoration:" + " ".join(deco))
            inner = "".join(cell_html(t, w, cell_px, line_px) for t, w, _ in clipped[i:j])
            runs.append('<span style="%s">%s</span>' % (";".join(css), inner))
            i = j
        body_rows.append('<div class="r">%s</div>' % "".join(runs))

    # Box-drawing glyphs of DejaVu Sans Mono span ascent+descent (1.164 em): stretch them to the row.
    box_scale = line_px / (font_px * 1.1640625)
    return PAGE.format(
        title=html.escape(title),
        font_px="%g" % font_px,
        cell_px=cell_px,
        line_px=line_px,
        width_px=cols * cell_px,
        box_scale="%.4f" % box_scale,
        fg=scheme["fg"],
        bg=scheme["bg"],
        chrome=scheme["chrome"],
        chrome_fg=scheme["chrome_fg"],
        edge=scheme["edge"],
        margin=margin,
        rows="\n".join(body_rows),
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
html, body {{ margin: 0; padding: 0; background: transparent; }}
body {{ display: inline-block; padding: {margin}px; }}
.win {{ display: inline-block; border: 1px solid {edge}; border-radius: 8px; overflow: hidden;
        background: {bg}; }}
.bar {{ position: relative; height: 30px; background: {chrome}; border-bottom: 1px solid {edge};
        font: 13px/30px "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: {chrome_fg};
        text-align: center; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
        padding: 0 84px; }}
.dots {{ position: absolute; left: 12px; top: 9px; height: 12px; display: flex; gap: 8px; }}
.dots i {{ display: block; width: 12px; height: 12px; border-radius: 50%; }}
.term {{ width: {width_px}px; padding: 10px 12px; color: {fg}; background: {bg};
         font-family: "DejaVu Sans Mono", "Menlo", "Consolas", "Liberation Mono", monospace;
         font-size: {font_px}px; line-height: {line_px}px; font-kerning: none;
         font-variant-ligatures: none; font-feature-settings: "liga" 0, "calt" 0;
         /* DejaVu Sans Mono advances 1233/2048 em: make each character exactly one cell. */
         letter-spacing: calc({cell_px}px - 0.60205078em); }}
.r {{ height: {line_px}px; white-space: pre; overflow: visible; }}
.r span {{ display: inline-block; height: {line_px}px; vertical-align: top; overflow: visible; }}
.r .c {{ width: {cell_px}px; letter-spacing: 0; text-align: center; text-decoration: inherit; }}
.r .c.w {{ width: calc(2 * {cell_px}px); }}
.r .bx {{ transform: scaleY({box_scale}); }}
.r .g {{ display: block; fill: currentColor; overflow: visible; }}
</style>
</head>
<body>
<div class="win">
<div class="bar"><span class="dots"><i style="background:#ff5f57"></i><i style="background:#febc2e"></i><i style="background:#28c840"></i></span>{title}</div>
<div class="term">
{rows}
</div>
</div>
<script>
addEventListener("load", function () {{
  var r = document.querySelector(".win").getBoundingClientRect();
  document.body.setAttribute("data-size",
    Math.ceil(r.right + {margin}) + "x" + Math.ceil(r.bottom + {margin}));
}});
</script>
</body>
</html>
"""


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Convert `tmux capture-pane -e -p -N` output into a self-contained HTML page.")
    ap.add_argument("input", nargs="?", help="capture file (default: stdin)")
    ap.add_argument("-t", "--title", default="", help="caption shown in the title bar")
    ap.add_argument("-o", "--output", help="HTML file to write (default: stdout)")
    ap.add_argument("--cols", type=int, help="terminal width (default: widest line)")
    ap.add_argument("--rows", type=int, help="terminal height (default: number of lines)")
    ap.add_argument("--scheme", choices=sorted(SCHEMES), default="dark",
                    help="terminal colours: default fg/bg and the 16 ANSI colours (default: dark)")
    ap.add_argument("--font-size", type=float, default=15.0, help="font size in px (default: 15)")
    ap.add_argument("--cell-width", type=int,
                    help="cell width in px (default: the font's advance, rounded)")
    ap.add_argument("--line-height", type=int,
                    help="row height in px (default: font size × 1.25, rounded)")
    ap.add_argument("--margin", type=int, default=0, help="space around the window in px (default: 0)")
    args = ap.parse_args()

    if args.input and args.input != "-":
        with open(args.input, encoding="utf-8", errors="replace") as f:
            text = f.read()
    else:
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")

    rows = parse(text)
    cols = args.cols or max((sum(w for _, w, _ in r) for r in rows), default=1) or 1
    nrows = args.rows or max(len(rows), 1)
    cell_px = args.cell_width or max(1, round(args.font_size * 1233 / 2048))
    line_px = args.line_height or round(args.font_size * 1.25)
    page = render(rows, cols, nrows, args.title, args.scheme, args.font_size, cell_px, line_px,
                  args.margin)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(page)
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
