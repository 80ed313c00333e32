"""The provider emulator as the scripts drive it: the provider's official Python client with the
emulator's default keys, its virtual clock and quota, clusters made in bulk, and signed headers
for load generators. Imported by the bench scripts (PYTHONPATH=scripts)."""

import hashlib
import json
import time
import urllib.request

import ovh

PROJECT = "0123456789abcdef0123456789abcdef"
APPLICATION_KEY = "pilothouse-emulator"
APPLICATION_SECRET = "pilothouse-emulator-secret"
CONSUMER_KEY = "pilothouse-emulator-consumer"


def client(base):
    """The official client for the emulator at `base` (`http://host:port`)."""
    ovh.client.ENDPOINTS["pilothouse-emulator"] = base + "/1.0"
    return ovh.Client(endpoint="pilothouse-emulator", application_key=APPLICATION_KEY,
                      application_secret=APPLICATION_SECRET, consumer_key=CONSUMER_KEY)


def _admin(base, method, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method=method)
    urllib.request.urlopen(request)


def advance(base, seconds):
    """Moves the emulator's clock on."""
    _admin(base, "POST", "/emulator/clock/advance", {"seconds": seconds})


def allow_free_clusters(base, count):
    """Raises the Free-cluster quota (20 by default)."""
    _admin(base, "PUT", "/emulator/quota", {"freeClusters": count})


def make_clusters(base, count, pools=(), plan="standard"):
    """`count` clusters named bench-0000…, each with `pools` ((name, nodes) pairs of b3-8), made
    ready; their ids."""
    api = client(base)
    nodepools = [{"name": name, "flavorName": "b3-8", "desiredNodes": nodes} for name, nodes in pools]
    ids = []
    for i in range(count):
        body = {"name": f"bench-{i:04}", "region": "GRA11", "plan": plan}
        if nodepools:
            body["nodepools"] = nodepools
        ids.append(api.post(f"/cloud/project/{PROJECT}/kube", **body)["id"])
    advance(base, 3600)
    return ids


def signed_headers(base, method, path):
    """The provider's signature headers for one request on `path` (under `/1.0`), now."""
    now = str(int(time.time()))
    text = "+".join([APPLICATION_SECRET, CONSUMER_KEY, method, base + path, "", now])
    return {
        "X-Ovh-Application": APPLICATION_KEY,
        "X-Ovh-Consumer": CONSUMER_KEY,
        "X-Ovh-Timestamp": now,
        "X-Ovh-Signature": "$1$" + hashlib.sha1(text.encode()).hexdigest(),
    }
