"""Signs requests to the emulator with Akamai's edgegrid-python (EdgeGridAuth for requests).

Reads a JSON list of cases on stdin and prints one JSON list of results: each case's HTTP status and
response body. A case is {"name", "method", "path", "query"?, "headers"?, "body"?, "headers_to_sign"?,
"max_body"?, "tamper"?, "tamper_header"?, "wrong_secret"?, "timestamp_offset_s"?}. `tamper` changes the body after
signing (at that byte offset), `tamper_header` a signed header's value, `wrong_secret` signs with another secret, `timestamp_offset_s` moves the
signer's clock. Usage: python edgegrid_python_peer.py EDGERC SECTION CA_PEM < cases.json
"""
import base64
import json
import sys
import time

import requests
from akamai.edgegrid import EdgeGridAuth, EdgeRc
from akamai.edgegrid import edgegrid as signer


def signer_for(case, edgerc, section):
    if not any(key in case for key in ("wrong_secret", "headers_to_sign", "max_body")):
        return EdgeGridAuth.from_edgerc(edgerc, section)  # as edgegrid-python's README shows
    secret = edgerc.get(section, "client_secret")
    if case.get("wrong_secret"):
        secret = base64.b64encode(b"not the secret the emulator issued").decode()
    return EdgeGridAuth(
        client_token=edgerc.get(section, "client_token"),
        client_secret=secret,
        access_token=edgerc.get(section, "access_token"),
        headers_to_sign=case.get("headers_to_sign", ()),
        max_body=case.get("max_body", 131072),
    )


def run(case, edgerc, section, ca):
    auth = signer_for(case, edgerc, section)
    offset = case.get("timestamp_offset_s", 0)
    # the signer stamps requests with eg_timestamp(); a stale clock is that function moved back
    signer.eg_timestamp = lambda: time.strftime("%Y%m%dT%H:%M:%S+0000", time.gmtime(time.time() + offset))

    session = requests.Session()
    session.verify = ca
    request = requests.Request(
        case["method"],
        "https://%s%s" % (edgerc.get(section, "host"), case["path"]),
        params=case.get("query"),
        headers=case.get("headers", {}),
        data=case.get("body", "").encode("utf8") if "body" in case else None,
        auth=auth,
    )
    prepared = session.prepare_request(request)  # signed here
    if "tamper" in case:
        body = bytearray(prepared.body)
        at = case["tamper"]
        body[at] = ord("A") if body[at] != ord("A") else ord("B")
        prepared.body = bytes(body)
    if "tamper_header" in case:
        prepared.headers[case["tamper_header"]] += " changed"
    response = session.send(prepared, timeout=30)
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return {"name": case["name"], "status": response.status_code, "body": body, "signedUrl": prepared.url}


def main():
    edgerc_path, section, ca = sys.argv[1:4]
    edgerc = EdgeRc(edgerc_path)
    cases = json.load(sys.stdin)
    print(json.dumps([run(case, edgerc, section, ca) for case in cases]))


if __name__ == "__main__":
    main()
