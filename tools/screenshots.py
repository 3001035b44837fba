#!/usr/bin/python3
"""make screenshots: a scripted tour of the real dashboard, as colour PNGs.

Run by tools/screenshots.sh inside the world of tools/demo.sh (fake
providers, a throwaway keyring and HOME, the demo accounts). Every scene
starts ./sesame in a tmux pane of 120x40 (TERM=xterm-256color, C.UTF-8,
TZ=UTC), sends keys, waits for the text that shows the scene is drawn, and
takes the pane with `tmux capture-pane -e` (text plus SGR colours). Each
capture becomes an HTML page (below: our own SGR-to-HTML, one span per run of
cells with the same style, DejaVu Sans Mono, a Tango palette, the page
background of the theme) and headless Chromium turns the page into a PNG,
which pngquant makes about three times smaller when it is installed.

Two things keep the pictures the same from run to run: the sessions table is
sorted newest first (`set sort = created desc` in the demo's sesame.conf),
and tools/screenshots.sh runs everything under faketime. The terminal is
xterm-256color less `bce` (see terminfo_without_bce): what is drawn is the
same, but tmux's capture then keeps the coloured blanks of bars and rows.

Usage: tools/screenshots.py OUTDIR [SCENE...]      (default: every scene)
Environment (from tools/demo.sh): SESAME_DEMO_BIN, SESAME_DEMO_TMP.
Set SESAME_SHOTS_KEEP=DIR to keep the .ansi and .html files there.
"""

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

sys.dont_write_bytecode = True

COLS, ROWS = 120, 40
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT_PX = 14
CELL_W = 8.43        # DejaVu Sans Mono advance at 14 px (0.602 em), for the window size
ROW_PX = 17
PAD = 12

# Tango, as GNOME Terminal has it, with a true black: colours 0-15.
PALETTE = ["#000000", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a",
           "#d3d7cf", "#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8",
           "#34e2e2", "#ffffff"]
# The terminal's own colours ("default" in a theme) for each page style.
PAGES = {
    "dark": {"fg": "#d3d7cf", "bg": "#1d1f21"},
    "light": {"fg": "#2e3436", "bg": "#ffffff"},
}


def color256(n):
    """The CSS colour of xterm colour n."""
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


# ---- tmux capture -> cells ----

class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None  # None = the terminal's default, else a CSS colour
        self.bold = self.dim = self.italic = self.underline = self.reverse = self.strike = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline,
                self.reverse, self.strike)

    def apply(self, params):
        """One SGR sequence (its parameters as text, ';' or ':' separated)."""
        ps = [p for p in re.split(r"[;]", params)] if params else ["0"]
        i = 0
        while i < len(ps):
            p = ps[i]
            sub = p.split(":")
            n = int(sub[0]) if sub[0].isdigit() else 0
            if n == 0:
                self.reset()
            elif n == 1:
                self.bold = True
            elif n == 2:
                self.dim = True
            elif n == 3:
                self.italic = True
            elif n == 4:
                self.underline = not (len(sub) > 1 and sub[1] == "0")
            elif n == 7:
                self.reverse = True
            elif n == 9:
                self.strike = True
            elif n == 22:
                self.bold = self.dim = False
            elif n == 23:
                self.italic = False
            elif n == 24:
                self.underline = False
            elif n == 27:
                self.reverse = False
            elif n == 29:
                self.strike = False
            elif 30 <= n <= 37:
                self.fg = PALETTE[n - 30]
            elif 40 <= n <= 47:
                self.bg = PALETTE[n - 40]
            elif 90 <= n <= 97:
                self.fg = PALETTE[n - 90 + 8]
            elif 100 <= n <= 107:
                self.bg = PALETTE[n - 100 + 8]
            elif n == 39:
                self.fg = None
            elif n == 49:
                self.bg = None
            elif n in (38, 48):
                colour = None
                if len(sub) > 1:  # 38:5:n or 38:2::r:g:b
                    if sub[1] == "5":
                        colour = color256(int(sub[2]))
                    elif sub[1] == "2":
                        rgb = [x for x in sub[2:] if x != ""][-3:]
                        colour = "#%02x%02x%02x" % tuple(int(x) for x in rgb)
                elif i + 1 < len(ps) and ps[i + 1] == "5":
                    colour = color256(int(ps[i + 2]))
                    i += 2
                elif i + 1 < len(ps) and ps[i + 1] == "2":
                    colour = "#%02x%02x%02x" % tuple(int(x) for x in ps[i + 2:i + 5])
                    i += 4
                if n == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1


SEQ = re.compile(r"\x1b\[([0-9;:?]*)([A-Za-z])|\x1b[()][0-9A-Za-z]|\x1b.")


def parse_capture(text):
    """The output of `tmux capture-pane -e -p -N` as ROWS lists of COLS
    (char, style key) cells. SGR state carries over from line to line."""
    style = Style()
    grid = []
    for line in text.split("\n")[:ROWS]:
        row = []
        pos = 0
        for m in SEQ.finditer(line):
            add_text(row, line[pos:m.start()], style)
            if m.group(2) == "m":
                style.apply(m.group(1))
            pos = m.end()
        add_text(row, line[pos:], style)
        while len(row) < COLS:
            row.append((" ", Style().key()))
        grid.append(row[:COLS])
    while len(grid) < ROWS:
        grid.append([(" ", Style().key())] * COLS)
    return grid


def add_text(row, s, style):
    k = style.key()
    for ch in s:
        if unicodedata.combining(ch) and row:
            c, st = row[-1]
            row[-1] = (c + ch, st)
            continue
        row.append((ch, k))
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            row.append(("", k))  # the second half of a wide character


# ---- cells -> HTML ----

def mix(a, b, t):
    """Colour a blended with b (t = share of b)."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))


def css_of(key, page):
    fg, bg, bold, dim, italic, underline, reverse, strike = key
    fg = fg or page["fg"]
    bg = bg or page["bg"]
    if reverse:
        fg, bg = bg, fg
    if dim:
        fg = mix(fg, bg, 0.45)
    css = []
    if fg != page["fg"]:
        css.append("color:" + fg)
    if bg != page["bg"]:
        css.append("background:" + bg)
    if bold:
        css.append("font-weight:bold")
    if italic:
        css.append("font-style:italic")
    deco = [d for d, on in (("underline", underline), ("line-through", strike)) if on]
    if deco:
        css.append("text-decoration:" + " ".join(deco))
    return ";".join(css)


def margin_colour(grid, page):
    """The background most cells have: the colour of the margin around them."""
    count = {}
    for row in grid:
        for _, key in row:
            fg, bg, reverse = key[0] or page["fg"], key[1] or page["bg"], key[6]
            c = fg if reverse else bg
            count[c] = count.get(c, 0) + 1
    return max(count, key=count.get)


def to_html(grid, page_name, title):
    page = PAGES[page_name]
    margin = margin_colour(grid, page)
    out = []
    for row in grid:
        runs = []  # [css, text, cells]
        for ch, key in row:
            if ch == "":
                runs[-1][2] += 1
                continue
            css = css_of(key, page)
            if runs and runs[-1][0] == css:
                runs[-1][1] += ch
                runs[-1][2] += 1
            else:
                runs.append([css, ch, 1])
        spans = []
        for css, text, cells in runs:
            # A fixed width per run: a glyph from a fallback font cannot shift the columns.
            style = "width:%dch" % cells + (";" + css if css else "")
            spans.append('<span style="%s">%s</span>' % (style, html.escape(text)))
        out.append('<div class="r">%s</div>' % "".join(spans))
    return """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%s</title><style>
html, body { margin: 0; background: %s; }
.t { padding: %dpx; color: %s; font-family: 'DejaVu Sans Mono', monospace; font-size: %dpx;
     font-variant-ligatures: none; }
.r { height: %dpx; line-height: %dpx; white-space: pre; overflow: hidden; }
.r span { display: inline-block; overflow: hidden; vertical-align: top; height: %dpx; }
</style></head><body><div class="t">
%s
</div></body></html>
""" % (html.escape(title), margin, PAD, page["fg"], FONT_PX, ROW_PX, ROW_PX, ROW_PX,
       "\n".join(out))


def window_size():
    return (int(COLS * CELL_W + 2 * PAD + 1), ROWS * ROW_PX + 2 * PAD)


def render_png(html_path, png_path, tmp):
    """Headless Chromium: the page as a PNG of exactly the terminal's size."""
    w, h = window_size()
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    env = dict(real_clock_env(), HOME=profile, XDG_CONFIG_HOME=profile, XDG_CACHE_HOME=profile,
               DBUS_SESSION_BUS_ADDRESS="disabled:", TMPDIR=profile)
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
           "--force-device-scale-factor=1", "--font-render-hinting=none",
           "--user-data-dir=" + profile, "--screenshot=" + png_path,
           "--window-size=%d,%d" % (w, h), "file://" + html_path]
    r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    if r.returncode != 0 or not os.path.exists(png_path):
        raise RuntimeError("chromium failed (%d):\n%s" % (r.returncode, r.stderr[-2000:]))


def real_clock_env():
    """The environment without faketime's preload: Chromium and pngquant keep
    the real clock."""
    env = dict(os.environ)
    for k in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "DONT_FAKE_MONOTONIC"):
        env.pop(k, None)
    return env


def shrink_png(path):
    """pngquant when there is one: a terminal's few colours lose nothing
    visible and the file a good two thirds of its size."""
    exe = shutil.which("pngquant")
    if not exe:
        return
    r = subprocess.run([exe, "--quality=85-100", "--speed=1", "--strip", "--force",
                        "--output", path, path], env=real_clock_env(),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode not in (0, 98, 99):  # 98/99: could not do better; the file is kept
        raise RuntimeError("pngquant failed (%d): %s" % (r.returncode, r.stderr))


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    raise RuntimeError("no chromium: run 'make deps' with SESAME_EXTRA_PKGS=chromium")


# ---- driving the dashboard in tmux ----

class Pane:
    """./sesame ARGS in a tmux pane of its own server (a private socket)."""

    def __init__(self, tmp, args):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "tmux.sock")
        conf = os.path.join(tmp, "tmux.conf")
        with open(conf, "w") as f:
            f.write("set -g status off\nset -g escape-time 10\nset -g history-limit 0\n"
                    "set -g default-terminal xterm-256color\nset -g exit-empty on\n")
        self.conf = conf
        run = os.path.join(tmp, "run-sesame.sh")
        with open(run, "w") as f:
            f.write(run_script(args))
        self.tmux("new-session", "-d", "-s", "shot", "-x", str(COLS), "-y", str(ROWS),
                  "sh " + run)

    def tmux(self, *args, check=True):
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
        env.pop("TMUX", None)
        r = subprocess.run(["tmux", "-u", "-S", self.sock, "-f", self.conf, *args], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout if check else r.returncode

    def alive(self):
        return self.tmux("has-session", "-t", "shot", check=False) == 0

    def text(self):
        return self.tmux("capture-pane", "-p", "-t", "shot")

    def ansi(self):
        return self.tmux("capture-pane", "-p", "-e", "-N", "-t", "shot")

    def keys(self, *keys, pause=0.25):
        """tmux key names (Tab, Enter, Escape, Space, Down) or literal text ('=x')."""
        for k in keys:
            if k.startswith("="):
                self.tmux("send-keys", "-t", "shot", "-l", k[1:])
            else:
                self.tmux("send-keys", "-t", "shot", k)
            time.sleep(pause if k != "Escape" else max(pause, 0.4))

    def wait_for(self, *texts, gone=(), timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            t = self.text()
            if all(x in t for x in texts) and not any(x in t for x in gone):
                return t
            time.sleep(0.1)
        raise RuntimeError("waited for %r (and %r gone), screen:\n%s" % (texts, gone, self.text()))

    def settle(self, seconds=0.6):
        time.sleep(seconds)

    def close(self):
        if self.alive():
            self.keys("q")
            end = time.time() + 5
            while self.alive() and time.time() < end:
                time.sleep(0.1)
        self.tmux("kill-server", check=False)
        try:
            os.unlink(self.sock)
        except OSError:
            pass


def run_script(args):
    """The pane's command: sesame with a fixed terminal, locale and clock zone,
    the config directory shown as ~/.config/sesame (a link in the demo HOME)."""
    q = " ".join("'%s'" % a.replace("'", "'\\''") for a in args)
    return """cd "$HOME" || exit 1
export TERM=xterm-256color TERMINFO="$SESAME_SHOTS_TERMINFO" LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC SESAME_CONFIG_DIR='~/.config/sesame'
unset NO_COLOR COLORTERM
exec "$SESAME_DEMO_BIN" %s
""" % q


def terminfo_without_bce(tmp):
    """xterm-256color less back_color_erase, in a TERMINFO directory of our own.
    tmux's capture-pane leaves out cells cleared with a background colour
    (ncurses' EL on a bce terminal): without bce, ncurses writes those cells
    as spaces, tmux keeps them, and the title and status bars, the cursor row
    and dialogs come out filled. What is drawn is the same."""
    src = subprocess.run(["infocmp", "-x", "xterm-256color"], capture_output=True, text=True,
                         check=True).stdout
    src = re.sub(r"\bbce,\s*", "", src)
    d = os.path.join(tmp, "terminfo")
    subprocess.run(["tic", "-x", "-o", d, "-"], input=src, text=True, check=True,
                   capture_output=True)
    return d


def link_config():
    """$HOME/~/.config/sesame -> the demo's config dir: the help overlay then
    names the file as a user reads it (~/.config/sesame/sesame.conf)."""
    home = os.environ["HOME"]
    real = os.path.join(os.environ["XDG_CONFIG_HOME"], "sesame")
    link = os.path.join(home, "~", ".config", "sesame")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.islink(link):
        os.symlink(real, link)


# ---- the tour ----

READY = ("6 accounts, 305 sessions", "clerk_key_invalid")
# Sessions newest first: the same order on every run (unsorted, the table
# keeps the order the provider's pages arrived in).
PREFS = "# written by tools/screenshots.py\nset sort = created desc\n"


def start(tmp, theme):
    p = Pane(tmp, ["--theme", theme])
    p.wait_for(*READY)
    p.settle()
    return p


def scene_main(p):
    """The first screen: every account, every session."""


def scene_detail(p):
    """One Clerk session: every field and the provider's raw JSON."""
    p.keys("Tab", "/", "=linus", "Enter", "Enter")
    p.wait_for("Raw JSON", "Chrome")


def scene_filter(p):
    """Filtering as you type: every word must match somewhere in the row."""
    p.keys("Tab", "/", "=linus act")
    p.wait_for('matching "linus act"')


def scene_confirm(p):
    """Every live session marked (*), x says what it will do to them: the
    counts per kind and account, the requests, the first rows."""
    p.keys("Tab", "/", "=status:active", "Enter", "*", "x")
    p.wait_for("Act on many", "requests", "more")


def scene_help(p):
    """? lists every action, its keys and its sesame.conf name."""
    p.keys("?")
    p.wait_for("Keys (", "column-left")


def scene_log(p):
    """L: the message log, each message and outcome whole (the staging
    account's refusal, cut on the message line, read here in full)."""
    p.keys("G", "r")  # Clerk staging, the last account
    p.wait_for("(L: log)")
    p.keys("L")
    p.wait_for("Message log", "clerk_key_invalid")


def scene_columns(p):
    """C: the column chooser: show, hide, move and widen the columns."""
    p.keys("Tab", "C")
    p.wait_for("Columns: ", "[x] provider")
    p.keys("Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down",
           "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Space")
    p.wait_for("[x] country")


def scene_add_account(p):
    """a: the add-account form (the fields follow the provider)."""
    p.keys("a")
    p.wait_for("Add an account")
    p.keys("Right", "Right", "Right", "Right")
    p.wait_for("Apideck Vault", "Consumer")
    p.keys("Tab", "=Vault production")


def scene_screen_share(p):
    """M: screen-share mode, names, e-mails, ids, IPs and places masked."""
    p.keys("M")
    p.wait_for("screen-share", "sess_*****")


def scene_theme(p):
    """The sessions pane focused, two rows marked: most colour roles at once."""
    p.keys("Tab", "Down", "Down", "Down", "Down", "Down", "Space", "Down", "Space")
    p.wait_for("2 marked")


SCENES = [
    # PNG name, theme, page (the terminal's own colours), what to do
    ("main", "default", "dark", scene_main),
    ("detail", "default", "dark", scene_detail),
    ("filter", "default", "dark", scene_filter),
    ("confirm", "default", "dark", scene_confirm),
    ("help", "default", "dark", scene_help),
    ("log", "default", "dark", scene_log),
    ("columns", "default", "dark", scene_columns),
    ("add-account", "default", "dark", scene_add_account),
    ("screen-share", "default", "dark", scene_screen_share),
    ("theme-default", "default", "dark", scene_theme),
    ("theme-light", "light", "light", scene_theme),
    ("theme-high-contrast", "high-contrast", "dark", scene_theme),
    ("theme-mono", "mono", "dark", scene_theme),
]


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = os.path.abspath(argv[1])
    only = set(argv[2:])
    tmp = tempfile.mkdtemp(prefix="shots-", dir=os.environ.get("SESAME_DEMO_TMP"))
    keep = os.environ.get("SESAME_SHOTS_KEEP")
    os.makedirs(outdir, exist_ok=True)
    link_config()
    with open(os.path.join(os.environ["XDG_CONFIG_HOME"], "sesame", "sesame.conf"), "w") as f:
        f.write(PREFS)
    os.environ["SESAME_SHOTS_TERMINFO"] = terminfo_without_bce(tmp)
    failed = 0
    made = set()
    try:
        for name, theme, page, scene in SCENES:
            if only and name not in only:
                continue
            p = start(tmp, theme)
            try:
                scene(p)
                p.settle()
                ansi = p.ansi()
            except Exception as e:  # noqa: BLE001 - report and go on with the next scene
                print("screenshots: %s: %s" % (name, e), file=sys.stderr)
                failed += 1
                continue
            finally:
                p.close()
            page_html = to_html(parse_capture(ansi), page, "sesame: " + name)
            html_path = os.path.join(tmp, name + ".html")
            with open(html_path, "w") as f:
                f.write(page_html)
            png = os.path.join(outdir, name + ".png")
            tmp_png = os.path.join(tmp, name + ".png")
            render_png(html_path, tmp_png, tmp)
            shrink_png(tmp_png)
            shutil.move(tmp_png, png)
            made.add(name + ".png")
            if keep:
                os.makedirs(keep, exist_ok=True)
                shutil.copy(html_path, keep)
                with open(os.path.join(keep, name + ".ansi"), "w") as f:
                    f.write(ansi)
            print("screenshots: %s (%d bytes)" % (os.path.relpath(png, TOP), os.path.getsize(png)))
        if not only and not failed:  # the whole tour: drop pictures of scenes that are gone
            for f in sorted(os.listdir(outdir)):
                if f.endswith(".png") and f not in made:
                    os.unlink(os.path.join(outdir, f))
                    print("screenshots: removed %s (no such scene)" % f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
