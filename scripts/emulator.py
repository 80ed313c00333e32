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


def _kubeconfig_field(text, key):
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(key + ":"):
            return stripped.split(":", 1)[1].strip().strip('"\'')
    return None


class KubeApi:
    """A cluster's own API server, reached with the admin kubeconfig the emulator hands out: its
    `server` address, its `tls-server-name` for SNI, its client certificate."""

    def __init__(self, base, cluster):
        import base64
        import os
        import ssl
        import tempfile
        content = client(base).post(f"/cloud/project/{PROJECT}/kube/{cluster}/kubeconfig")["content"]
        field = lambda key: base64.b64decode(_kubeconfig_field(content, key)).decode()
        self._dir = tempfile.mkdtemp()
        cert, key = os.path.join(self._dir, "cert.pem"), os.path.join(self._dir, "key.pem")
        with open(cert, "w") as f:
            f.write(field("client-certificate-data"))
        with open(key, "w") as f:
            f.write(field("client-key-data"))
        self._context = ssl.create_default_context(cadata=field("certificate-authority-data"))
        self._context.load_cert_chain(cert, key)
        server = _kubeconfig_field(content, "server").removeprefix("https://")
        self._address, port = server.rsplit(":", 1)
        self._port = int(port)
        self._name = _kubeconfig_field(content, "tls-server-name") or self._address
        self._connection = None

    def _connect(self):
        import http.client
        import socket
        api = self

        class Connection(http.client.HTTPSConnection):
            def connect(self):
                sock = socket.create_connection((api._address, self.port))
                self.sock = self._context.wrap_socket(sock, server_hostname=self.host)

        return Connection(self._name, self._port, context=self._context)

    def call(self, method, path, body=None):
        """One request on a kept-alive connection; the status and the parsed answer."""
        if self._connection is None:
            self._connection = self._connect()
        data = json.dumps(body).encode() if body is not None else None
        self._connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = self._connection.getresponse()
        return response.status, json.loads(response.read() or b"null")


def deploy(api, name, replicas, cpu="10m", memory="16Mi"):
    """Creates a Deployment `name` of `replicas` pods in `default` through `api` (a KubeApi)."""
    body = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": "nginx:1.27",
                                         "resources": {"requests": {"cpu": cpu, "memory": memory}}}]},
            },
        },
    }
    status, answer = api.call("POST", "/apis/apps/v1/namespaces/default/deployments", body)
    if status != 201:
        raise RuntimeError(f"creating {name}: {status} {answer}")
