"""Reports read offline: no script, style, image or player source from outside the reports folder, formulas typeset by
the MathJax copy in reports/mathjax, and (where Chromium is installed) every player loads with the network cut."""
import json, re, shutil, subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from dancebook.reports import run_reports

ROOT = Path(__file__).resolve().parents[1]
URL_ATTRS = {"src", "href", "data", "poster", "srcset"}
LOADING_TAGS = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "track", "input"}
OUTSIDE = re.compile(r"^\s*(https?:)?//", re.I)


class _Sources(HTMLParser):
    "Every URL a page loads: src/href/... of loading tags, and url()/@import in its styles."
    def __init__(self):
        super().__init__(); self.urls, self._style = [], False
    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"
        if tag in LOADING_TAGS: self.urls += [(tag, v) for k, v in attrs if k in URL_ATTRS and v]
    def handle_endtag(self, tag): self._style = False if tag == "style" else self._style
    def handle_data(self, data):
        if self._style:
            css = re.sub(r"/\*.*?\*/", "", data, flags=re.S)
            self.urls += [("css", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", css) for u in u if u]


def outside_urls(page: str) -> list:
    "The (tag, url) pairs of a page that would load something from another host."
    p = _Sources(); p.feed(page)
    return [(t, u) for t, u in p.urls if OUTSIDE.match(u)]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    "A report of a small notebook with formulas, a sound and a video player, made by the runner."
    d = tmp_path_factory.mktemp("offline")
    (d / "nbs" / "experiments").mkdir(parents=True)
    code = ("import numpy as np\nfrom IPython.display import Audio, display\nfrom dancebook.render import write_clip_video, show_video\n"
            "y = np.sin(2 * np.pi * 440 * np.arange(8000) / 8000).astype('float32')\n"
            "frames = np.zeros((10, 32, 32, 3), np.uint8); frames[:, 8:24, 8:24] = 200\n"
            "display(Audio(y, rate=8000))\nshow_video(write_clip_video(frames, 'clip.mp4', fps=10, audio=y, sr=8000))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("preset = 'small'", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_markdown_cell("The loss $L_H$ and $$v(t) = \\sum_j \\|\\dot x_j(t)\\|$$"),
                                         nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, str(d / "nbs" / "experiments" / "10_offline.ipynb"))
    [r] = run_reports("smoke", nbs=d / "nbs", out=d / "reports", log=lambda s: None)
    assert r.status == "ok", r.error
    return Path(r.html)


def test_outside_urls_are_found():
    page = ("<script src='https://cdn.example/x.js'></script><link href='//fonts.example/a.css'><img src='data:image/png;base64,AA'>"
            "<style>/* https://in.a.comment */ @import 'http://x.example/y.css'; a{background:url(mathjax/a.png)}</style>")
    assert outside_urls(page) == [("script", "https://cdn.example/x.js"), ("link", "//fonts.example/a.css"), ("css", "http://x.example/y.css")]


def test_report_loads_nothing_from_outside(report):
    page = report.read_text()
    assert outside_urls(page) == []
    assert 'src="mathjax/MathJax.js' in page and (report.parent / "mathjax" / "MathJax.js").exists()
    assert "<details" in page and "db-summary" in page


def test_every_project_report_loads_nothing_from_outside():
    pages = sorted((ROOT / "reports").glob("*.html"))
    if not pages: pytest.skip("no reports in reports/ yet (make reports writes them)")
    bad = {p.name: outside_urls(p.read_text()) for p in pages}
    assert {k: v for k, v in bad.items() if v} == {}


PROBE = """<script>
setTimeout(function () {
  var media = Array.from(document.querySelectorAll('audio,video')).map(function (e) { return [e.tagName, e.readyState, e.error ? e.error.code : 0]; });
  var loaded = performance.getEntriesByType('resource').map(function (e) { return e.name; });
  var raw = document.body.innerText.match(/\\$[^$\\n]{1,60}\\$/g) || [];
  var d = document.createElement('pre'); d.id = 'db-probe';
  d.textContent = JSON.stringify({media: media, loaded: loaded, raw: raw, typeset: document.querySelectorAll('.MathJax, .MathJax_Display').length});
  document.body.appendChild(d);
}, 5000);
</script></body>"""


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="Chromium is not installed (.ci/run installs it from Debian's packages)")
def test_report_in_headless_chromium_with_the_network_cut(report):
    probe = report.with_name("probe.html")
    probe.write_text(report.read_text().replace("</body>", PROBE))
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--autoplay-policy=no-user-gesture-required",
                          "--virtual-time-budget=20000", "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'<pre id="db-probe">([^<]*)</pre>', dom)
    assert m, "the probe did not run: " + dom[-500:]
    got = json.loads(m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'))
    assert got["raw"] == [] and got["typeset"] >= 2, got                          # no raw LaTeX left: MathJax typeset both formulas
    assert [u for u in got["loaded"] if not u.startswith("file:")] == [], got["loaded"]
    assert {t for t, _, _ in got["media"]} == {"AUDIO", "VIDEO"}, got["media"]
    assert all(state >= 1 and err == 0 for _, state, err in got["media"]), got["media"]   # every player has its media
