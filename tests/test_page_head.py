"""The gate's script chunks found in Streamlit's files, with what they import, for preloading."""

from __future__ import annotations

import logging

from rounds.web.page_head import chunks_to_preload

INDEX = (
    '<script type="module" src="./static/js/index.AAA.js"></script>'
    '<link rel="modulepreload" crossorigin href="./static/js/react.BBB.js">'
)


def test_each_element_comes_with_its_imports_but_not_what_the_page_links(tmp_path, caplog):
    js = tmp_path / "js"
    js.mkdir()
    (js / "index.AAA.js").write_text('import"./react.BBB.js";')
    (js / "react.BBB.js").write_text("")
    (js / "Radio.CCC.js").write_text('import{a}from"./react.BBB.js";import"./label.DDD.js";')
    (js / "label.DDD.js").write_text(
        'import{b} from "./shared.EEE.js";const x=import("./lazy.F.js")'
    )
    (js / "shared.EEE.js").write_text("")
    (js / "lazy.F.js").write_text("")
    with caplog.at_level(logging.WARNING):
        found = chunks_to_preload(js, ["Radio", "Slider"], INDEX)
    # the dynamic import() stays lazy; what the page already links is not linked twice
    assert found == ["static/js/Radio.CCC.js", "static/js/label.DDD.js", "static/js/shared.EEE.js"]
    assert "No script chunk for Slider" in caplog.text  # a Streamlit upgrade renamed it
