"""The console's server functions called as its pages call them, for the scripts' checks
(scripts/replicas.py, scripts/test-image-layout). Standard library only.

    python3 scripts/console_api.py create-cluster http://127.0.0.1:3000 NAME
        creates a Free cluster in the project `default` (local mode) and waits for it.
"""

import http.client
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

PROJECT = "default"


def pool_spec(name, nodes):
    return {
        "name": name, "flavorName": "b3-8", "desiredNodes": nodes, "minNodes": 0, "maxNodes": 100,
        "autoscale": False,
        "autoscaling": {"scaleDownUnneededTimeSeconds": 600, "scaleDownUnreadyTimeSeconds": 1200,
                        "scaleDownUtilizationThreshold": 0.5},
        "antiAffinity": False, "monthlyBilled": False, "availabilityZones": [], "attachFloatingIps": False,
        "template": {"labels": {}, "annotations": {}, "finalizers": [], "taints": [], "unschedulable": False},
    }


def cluster_spec(name):
    return {
        "name": name, "region": "GRA11", "plan": "free", "version": "1.35", "updatePolicy": "ALWAYS_UPDATE",
        "kubeProxyMode": "iptables", "privateNetwork": None, "ipAllocationPolicy": None, "apiAllowList": [],
        "nodePools": [pool_spec("general", 1)],
    }


class Console:
    """Calls through one address with the signed-in session's cookies; records every answer."""

    def __init__(self, base, jar):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.lock = threading.Lock()
        self.answers = []  # (started, ended, status or error text, path)

    def call(self, function, form=None, body=None):
        if body is not None:
            data, kind = json.dumps(body).encode(), "application/json"
        else:
            data, kind = urllib.parse.urlencode(form or {}).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(f"{self.base}/api/{function}", data=data, method="POST",
                                         headers={"Content-Type": kind, "Accept": "application/json"})
        return self._send(request, function)

    def get(self, path):
        return self._send(urllib.request.Request(self.base + path), path)

    def _send(self, request, label):
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            status, text = f"{type(error).__name__}: {error}", ""
        with self.lock:
            self.answers.append((started, time.monotonic(), status, label))
        return status, text


def operation_state(console, operation):
    status, text = console.call("operation", {"project": PROJECT, "operation": operation})
    return json.loads(text) if status == 200 else None


def submit_until_answered(console, function, body=None, form=None, attempts=20):
    """Submits, and again with the same idempotency key while the answer is lost."""
    for _ in range(attempts):
        status, text = console.call(function, form=form, body=body)
        if status == 200:
            return json.loads(text)
        if isinstance(status, int) and status < 500:
            raise SystemExit(f"replicas: {function} refused ({status}): {text}")
        time.sleep(0.5)
    raise SystemExit(f"replicas: {function} never answered")


def wait_for_operations(console, ids, timeout):
    ended = {}
    deadline = time.monotonic() + timeout
    while len(ended) < len(ids) and time.monotonic() < deadline:
        for operation in ids:
            if operation in ended:
                continue
            view = operation_state(console, operation)
            if view and view["state"] in ("succeeded", "failed", "cancelled"):
                ended[operation] = view
        time.sleep(0.5)
    missing = [o for o in ids if o not in ended]
    if missing:
        raise SystemExit(f"replicas: {len(missing)} operations did not end within {timeout}s")
    failed = {o: v for o, v in ended.items() if v["state"] != "succeeded"}
    if failed:
        raise SystemExit(f"replicas: operations failed: {json.dumps(list(failed.values())[:3])}")
    return ended



def main():
    if len(sys.argv) != 4 or sys.argv[1] != "create-cluster":
        raise SystemExit(__doc__)
    console = Console(sys.argv[2], CookieJar())
    body = {"project": PROJECT, "spec": cluster_spec(sys.argv[3]), "key": f"create-{sys.argv[3]}"}
    operation = submit_until_answered(console, "create_cluster", body=body)["id"]
    wait_for_operations(console, [operation], timeout=120)
    print(operation)


if __name__ == "__main__":
    main()
