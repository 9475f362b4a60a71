"""The join QR code: a scalable SVG on a white ground, made once per address."""

from __future__ import annotations

from xml.etree import ElementTree

from rounds.figures.qr import qr_svg


def test_qr_code_is_a_scalable_svg_with_a_white_quiet_zone():
    svg = ElementTree.fromstring(qr_svg("http://rooms.example/j/asparaginase-aya-all"))
    x, y, width, height = svg.get("viewBox").split()
    assert svg.tag.endswith("svg") and (x, y) == ("0", "0") and width == height
    assert svg.get("width") is None  # the page sizes it
    ground, modules = svg.iter("{*}path") if svg.tag.startswith("{") else svg.iter("path")
    assert ground.get("fill") == "#fff" and modules.get("stroke") == "#000"


def test_each_address_has_its_own_code_made_once():
    first = qr_svg("http://rooms.example/j/one")
    assert qr_svg("http://rooms.example/j/one") is first
    assert qr_svg("http://rooms.example/j/two") != first
