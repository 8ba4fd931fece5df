"""Drives our Open311 endpoint with real GeoReport v2 client libraries.

georeport (PyPI) reads services, definitions and requests, in JSON and in
XML; three (PyPI) posts a request with a photo in `media` and resolves its
token. XML answers are also parsed with Python's ElementTree and checked
against the GeoReport v2 element names. Every check asserts; the last line
printed is a JSON summary for tests/outside/georeport.rs.

    python client.py BASE_URL API_KEY PHOTO
"""

import itertools
import json
import re
import sys
import xml.etree.ElementTree as ET

import requests

# three 0.8.0 imports itertools.ifilter, a Python 2 name; nothing else of
# it is changed.
itertools.ifilter = filter
import three  # noqa: E402
from georeport import GeoReport  # noqa: E402

BASE, KEY, PHOTO = sys.argv[1], sys.argv[2], sys.argv[3]
SECRET_PHONE = "13900001111"

# GeoReport v2 element names (wiki.open311.org/GeoReport_v2).
SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
REQUEST = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
    "lat", "long", "media_url",
}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
seen_text = []


def get(path, **params):
    r = requests.get(f"{BASE}/{path}", params=params, timeout=30)
    seen_text.append(r.text)
    return r


def xml_of(r, root):
    assert r.headers["content-type"].startswith("text/xml"), r.headers
    doc = ET.fromstring(r.content)
    assert doc.tag == root, (doc.tag, root)
    return doc


def children(el):
    return {c.tag for c in el}


def check_request_dict(d):
    assert set(d) == REQUEST, set(d) ^ REQUEST
    assert d["status"] in ("open", "closed"), d
    assert W3C.match(d["requested_datetime"]), d["requested_datetime"]
    assert W3C.match(d["updated_datetime"]), d["updated_datetime"]


def check_errors_xml(r, status):
    assert r.status_code == status, (r.status_code, r.text)
    doc = xml_of(r, "errors")
    errs = doc.findall("error")
    assert len(errs) == 1 and children(errs[0]) == {"code", "description"}, r.text
    assert errs[0].findtext("code") == str(status), r.text
    assert errs[0].findtext("description"), r.text


def check_errors_json(r, status):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert set(body[0]) == {"code", "description"} and body[0]["code"] == status, body


# Discovery, both formats.
t = three.Three(BASE, format="json", api_key=KEY)
disc = t.discovery()
assert disc["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2", disc
assert set(disc["endpoints"][0]["formats"]) == {"text/xml", "application/json"}, disc
doc = xml_of(get("discovery.xml"), "discovery")
assert {"changeset", "contact", "key_service", "endpoints"} <= children(doc)
assert doc.find("endpoints/endpoint/formats/format") is not None

# Services and a definition: georeport, JSON and XML.
for fmt in ("json", "xml"):
    gr = GeoReport(BASE, output_format=fmt)
    services = gr.get_service_list()
    codes = {s["service_code"]: s for s in services}
    assert "0501" in codes and "0201" in codes, codes.keys()
    for s in services:
        assert set(s) == SERVICE, set(s) ^ SERVICE
    assert codes["0501"]["group"] == "公共设施", codes["0501"]
    assert str(codes["0501"]["metadata"]).lower() == "true"
    assert str(codes["0201"]["metadata"]).lower() == "false"
    d = gr.get_service_definition("0501")
    attrs = d["attributes"]
    if fmt == "xml":  # xmltodict: <attributes><attribute>…
        attrs = attrs["attribute"]
        attrs = attrs if isinstance(attrs, list) else [attrs]
        for a in attrs:
            a["values"] = a["values"]["value"]
    assert d["service_code"] == "0501"
    assert len(attrs) == 1 and set(attrs[0]) == ATTRIBUTE, attrs
    assert attrs[0]["code"] == "cover_state" and attrs[0]["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attrs[0]["values"]} == {"missing", "broken", "shifted"}
doc = xml_of(get("services.xml"), "services")
assert all(children(s) == SERVICE for s in doc.findall("service"))
doc = xml_of(get("services/0501.xml"), "service_definition")
assert children(doc.find("attributes/attribute")) == ATTRIBUTE

# Post with three: multipart, a photo in `media`, JSON.
with open(PHOTO, "rb") as photo:
    posted = t.post(
        "0201",
        lat="40.7905", long="111.7005",
        description="电线杆上贴满小广告 (Open311)",
        phone=SECRET_PHONE, first_name="三", last_name="张",
        account_id="hotline-42",
        media=photo,
    )
assert t.post_response.status_code == 200, t.post_response.text
assert isinstance(posted, list) and len(posted) == 1, posted
assert {"service_request_id", "token", "service_notice", "account_id"} == set(posted[0]), posted
assert posted[0]["account_id"] == "hotline-42"
json_id, json_token = posted[0]["service_request_id"], posted[0]["token"]
resolved = t.token(json_token)
assert resolved == [{"service_request_id": json_id, "token": json_token}], resolved

# Post as XML, form-urlencoded, no photo, an address instead of lat/long,
# and the required attribute.
r = requests.post(
    f"{BASE}/requests.xml",
    data={
        "api_key": KEY, "service_code": "0501",
        "address_string": "赛罕区 大学东街与昭乌达路交叉口",
        "description": "井盖丢失，车辆经过危险",
        "attribute[cover_state]": "missing",
        "phone": SECRET_PHONE,
    },
    timeout=30,
)
seen_text.append(r.text)
assert r.status_code == 200, r.text
doc = xml_of(r, "service_requests")
req = doc.find("request")
assert {"service_request_id", "token", "service_notice", "account_id"} == children(req), r.text
xml_id, xml_token = req.findtext("service_request_id"), req.findtext("token")
assert "赛罕区" in req.findtext("service_notice"), r.text
doc = xml_of(get(f"tokens/{xml_token}.xml"), "service_requests")
assert doc.findtext("request/service_request_id") == xml_id

# Reading them back: georeport, JSON and XML.
for fmt in ("json", "xml"):
    gr = GeoReport(BASE, output_format=fmt)
    one = gr.get_service_request(json_id)
    check_request_dict(one)
    assert one["service_code"] == "0201" and one["status"] == "open", one
    assert one["agency_responsible"], one  # 0201 is dispatched at once
    assert one["expected_datetime"] and W3C.match(one["expected_datetime"]), one
    assert abs(float(one["lat"]) - 40.7905) < 1e-9 and abs(float(one["long"]) - 111.7005) < 1e-9
    many = gr.get_service_requests(service_request_id=f"{json_id},{xml_id}")
    many = many if isinstance(many, list) else [many]
    assert {m["service_request_id"] for m in many} == {json_id, xml_id}, many
    for m in many:
        check_request_dict(m)
    listed = gr.get_service_requests(service_code="0501", status="open")
    listed = listed if isinstance(listed, list) else [listed]
    assert xml_id in {m["service_request_id"] for m in listed}
    assert all(m["service_code"] == "0501" for m in listed)
doc = xml_of(get("requests.xml", service_request_id=xml_id), "service_requests")
assert children(doc.find("request")) == REQUEST
notes = doc.findtext("request/status_notes")
assert notes.startswith("已派遣"), notes  # 0501 is dispatched at once
assert get("requests.json", status="closed", service_code="0501").json() == []
paged = get("requests.json", page_size="1", page="1").json()
assert len(paged) == 1, paged

# Errors: the spec's list, with 403, 404 and 400, in both formats.
no_key = requests.post(f"{BASE}/requests.json", data={"service_code": "0201", "lat": "40.79", "long": "111.70"}, timeout=30)
check_errors_json(no_key, 403)
bad_key = requests.post(f"{BASE}/requests.xml", data={"api_key": "nope", "service_code": "0201", "lat": "40.79", "long": "111.70"}, timeout=30)
check_errors_xml(bad_key, 403)
check_errors_xml(requests.post(f"{BASE}/requests.xml", data={"api_key": KEY, "service_code": "9999", "lat": "40.79", "long": "111.70"}, timeout=30), 404)
check_errors_json(requests.post(f"{BASE}/requests.json", data={"api_key": KEY, "service_code": "0501", "lat": "40.79", "long": "111.70"}, timeout=30), 400)
check_errors_xml(get("requests/SSP-19990101-000000.xml"), 404)
check_errors_json(get("services/9999.json"), 404)
check_errors_json(get("requests.json", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"), 400)
check_errors_xml(get("requests.xml", page_size="0"), 400)

# Reporter identity never appears.
assert not any(SECRET_PHONE in text for text in seen_text), "a reporter's phone was served"
print(json.dumps({"json_id": json_id, "json_token": json_token, "xml_id": xml_id, "xml_token": xml_token}))
