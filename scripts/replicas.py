"""Several replicas, proven (run by scripts/test-replicas, which starts PostgreSQL).

Starts the provider emulator on its own, the development identity provider, two console replicas
on one PostgreSQL database and HAProxy in front of them (round robin, no stickiness). Then:
signs in through the load balancer and uses the session on both replicas; holds live streams
open through the load balancer; submits 100 operations (40 creations, 30 scalings, 30 deletions)
through it, `kill -9`s one replica while the creations are under way and starts it again, and
restarts both replicas one at a time with SIGTERM while scalings and deletions go on. Checks that
every operation ended succeeded, each change reached the provider exactly once (the emulator's
tally), the streams reconnected and saw the outcome, and no request failed except those in flight
on the killed replica; checks the metrics with `promtool check metrics`. Prints the figures.

Environment: PILOTHOUSE_RELEASE_DIR (pilothouse, hash.txt, site/), TEST_DATABASE_URL, WORK.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

from console_api import PROJECT, Console, cluster_spec, submit_until_answered, wait_for_operations

RELEASE = os.environ["PILOTHOUSE_RELEASE_DIR"]
DATABASE_URL = os.environ["TEST_DATABASE_URL"]
WORK = os.environ["WORK"]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CREATIONS, SCALINGS, DELETIONS = 40, 30, 30
EMULATOR_KEYS = {
    "application_key": "pilothouse-emulator",
    "application_secret": "pilothouse-emulator-secret",
    "consumer_key": "pilothouse-emulator-consumer",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, check, timeout=60.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(every)
    raise SystemExit(f"replicas: timed out waiting for {what}")


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Processes:
    """The processes of the run, by name, stopped at the end."""

    def __init__(self):
        self.running = {}

    def start(self, name, args, env=None, cwd=None):
        log = open(os.path.join(WORK, f"{name}.log"), "ab")
        self.running[name] = subprocess.Popen(args, env={**os.environ, **(env or {})}, cwd=cwd,
                                              stdout=log, stderr=subprocess.STDOUT)
        return self.running[name]

    def stop_all(self):
        for process in self.running.values():
            if process.poll() is None:
                process.kill()
                process.wait()


class Replica:
    def __init__(self, processes, name, settings_file, public_url, issuer_url):
        self.processes, self.name = processes, name
        self.port, self.metrics_port = free_port(), free_port()
        self.env = {
            "PILOTHOUSE_LISTEN": f"127.0.0.1:{self.port}",
            "PILOTHOUSE_METRICS_LISTEN": f"127.0.0.1:{self.metrics_port}",
            "PILOTHOUSE_DATA_DIR": os.path.join(WORK, name),
            "PILOTHOUSE_SITE_ROOT": os.path.join(RELEASE, "site"),
            "PILOTHOUSE_DATABASE_URL": DATABASE_URL,
            "PILOTHOUSE_EMULATOR": "false",
            "PILOTHOUSE_CONFIG": settings_file,
            "PILOTHOUSE_PUBLIC_URL": public_url,
            "PILOTHOUSE_OIDC_ISSUER_URL": issuer_url,
            "PILOTHOUSE_OIDC_CLIENT_SECRET": "pilothouse-dev-secret",
            "PILOTHOUSE_OPERATIONS_POLL_MS": "300",
            "PILOTHOUSE_CATALOG_IDLE_SECONDS": "1",
            "PILOTHOUSE_SHUTDOWN_DRAIN_SECONDS": "1",
            "PILOTHOUSE_LIVE_STREAMS_PER_USER": "64",
            "PILOTHOUSE_LOG_FORMAT": "json",
        }
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = self.processes.start(self.name, [os.path.join(RELEASE, "pilothouse")], self.env)

        def ready():
            if self.process.poll() is not None:
                raise SystemExit(f"replicas: {self.name} exited with {self.process.returncode}")
            return answers(self.url + "/readyz")

        wait_until(f"{self.name} to be ready", ready)

    def runner_owner(self):
        """The lease owner of this process's operations runner, from its log."""
        with open(os.path.join(WORK, f"{self.name}.log"), encoding="utf-8", errors="replace") as log:
            owners = [json.loads(line).get("owner") for line in log if "operations runner started" in line]
        return owners[-1]


class Stream(threading.Thread):
    """A live stream of the project through the load balancer, reconnecting as a browser's
    EventSource does when it ends: with the last event id it saw as `Last-Event-ID`."""

    def __init__(self, port, cookie):
        super().__init__(daemon=True)
        self.port, self.cookie = port, cookie
        self.connects, self.events, self.stopped, self.last_id = 0, [], False, None

    def run(self):
        while not self.stopped:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                headers = {"Cookie": self.cookie, "Accept": "text/event-stream"}
                if self.last_id is not None:
                    headers["Last-Event-ID"] = self.last_id
                connection.request("GET", f"/api/projects/{PROJECT}/events", headers=headers)
                response = connection.getresponse()
                if response.status != 200:
                    raise OSError(f"stream answered {response.status}")
                self.connects += 1
                name = None
                while not self.stopped:
                    line = response.readline()
                    if not line:
                        break
                    line = line.decode().rstrip("\n")
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("id:"):
                        self.last_id = line[3:].strip()
                    elif line.startswith("data:") and name:
                        self.events.append((time.monotonic(), name, json.loads(line[5:])))
                connection.close()
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.3)

    def last_clusters(self):
        lists = [data for _, name, data in self.events if name == "clusters"]
        return {c["name"] for c in lists[-1]["clusters"]} if lists else None

    def operation_states(self):
        return {data["operation"]["id"]: data["operation"]["state"] for _, name, data in self.events
                if name == "operation"}


def sign_in(lb_url, idp_url):
    """Alice signs in through the load balancer: the console sends her to the identity provider,
    whose form she fills in, and back."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{lb_url}/auth/login?next=/clusters", timeout=10) as response:
        interaction = response.url
    uid = interaction.split("/interaction/")[1].split("/")[0].split("?")[0]
    form = urllib.parse.urlencode({"username": "alice", "password": "alice-demo"}).encode()
    with opener.open(f"{idp_url}/interaction/{uid}/login", data=form, timeout=10) as response:
        landed = response.url
    if not landed.startswith(lb_url + "/clusters"):
        raise SystemExit(f"replicas: sign-in ended at {landed}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name.startswith("pilothouse"))
    return jar, cookie


def leases_of(owner):
    """Operations still leased by runner `owner` (unfinished)."""
    sql = f"SELECT count(*) FROM operations WHERE lease_owner = '{owner}' AND state = 'running'"
    out = subprocess.run(["psql", DATABASE_URL, "-tAc", sql], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def main():
    processes = Processes()
    try:
        run(processes)
    finally:
        processes.stop_all()


def run(processes):
    emulator_port, idp_port, lb_port = free_port(), free_port(), free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    idp_url, lb_url = f"http://127.0.0.1:{idp_port}", f"http://127.0.0.1:{lb_port}"

    processes.start("emulator", [os.path.join(RELEASE, "pilothouse"), "emulator", "--listen",
                                 f"127.0.0.1:{emulator_port}"],
                    {"PILOTHOUSE_DATA_DIR": os.path.join(WORK, "emulator"), "PILOTHOUSE_EMULATOR_SPEED": "600"})
    processes.start("idp", ["node", "idp/server.mjs"],
                    {"IDP_PORT": str(idp_port), "IDP_CONSOLE_URLS": lb_url}, cwd=os.path.join(REPO, "end2end"))
    wait_until("the emulator", lambda: answers(emulator_url + "/1.0/auth/time"))
    wait_until("the identity provider", lambda: answers(idp_url + "/.well-known/openid-configuration"))
    request = urllib.request.Request(emulator_url + "/emulator/quota", method="PUT",
                                     data=json.dumps({"freeClusters": 100}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).close()

    settings = os.path.join(WORK, "settings.toml")
    with open(settings, "w") as f:
        f.write(f'[[projects]]\nid = "{PROJECT}"\nname = "Replicas"\nendpoint = "{emulator_url}/1.0"\n'
                f'service_name = "0123456789abcdef0123456789abcdef"\nrate_per_second = 50\n'
                f'admin_groups = ["pilothouse-admins"]\n'
                + "".join(f'{k} = "{v}"\n' for k, v in EMULATOR_KEYS.items()))
    replicas = [Replica(processes, name, settings, lb_url, idp_url) for name in ("replica-a", "replica-b")]
    for replica in replicas:
        replica.start()

    with open(os.path.join(WORK, "haproxy.cfg"), "w") as f:
        f.write(f"""global
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 1h
  timeout server 1h
  # A connection refused (a replica gone) is tried again on the other replica; a request a
  # replica took is never sent twice.
  retries 3
  option redispatch 1
  retry-on conn-failure
frontend console
  bind 127.0.0.1:{lb_port}
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  default-server inter 250ms fall 1 rise 2
""" + "".join(f"  server {r.name} 127.0.0.1:{r.port} check\n" for r in replicas))
    processes.start("haproxy", ["haproxy", "-db", "-f", os.path.join(WORK, "haproxy.cfg")])
    wait_until("the load balancer", lambda: answers(lb_url + "/readyz"))

    # One session, signed in through the load balancer, works on each replica directly.
    jar, cookie = sign_in(lb_url, idp_url)
    for replica in replicas:
        status, text = Console(replica.url, jar).call("current_user")
        if status != 200 or json.loads(text)["username"] != "alice":
            raise SystemExit(f"replicas: the session does not work on {replica.name}: {status} {text}")
    print("replicas: signed in through the load balancer; the session works on both replicas")

    console = Console(lb_url, jar)
    streams = [Stream(lb_port, cookie) for _ in range(4)]
    for stream in streams:
        stream.start()
    wait_until("the live streams", lambda: all(s.connects for s in streams), timeout=20)

    # 40 creations, 8 at a time; replica A is killed (SIGKILL) halfway and started again.
    victim = replicas[0]
    old_owner = victim.runner_owner()
    killed = {}

    def create(index):
        name = f"rep-{index:03d}"
        if index == CREATIONS // 2 and not killed:
            killed["at"] = time.monotonic()
            killed["running"] = leases_of(old_owner)
            victim.process.send_signal(signal.SIGKILL)
            victim.process.wait()
            killed["down"] = time.monotonic()
        body = {"project": PROJECT, "spec": cluster_spec(name), "key": f"create-{name}"}
        return name, submit_until_answered(console, "create_cluster", body=body)["id"]

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(create, range(CREATIONS)))
    time.sleep(2)
    victim.start()
    restarted = time.monotonic()
    creations = wait_for_operations(console, [op for _, op in created], timeout=240)
    wait_until("the killed replica's leases to be taken over", lambda: leases_of(old_owner) == 0, timeout=90)
    recovered = time.monotonic()
    clusters = {name: creations[op]["clusterId"] for name, op in created}
    print(f"replicas: {CREATIONS} creations succeeded; replica A killed with {killed['running']} operation(s) "
          f"running on it, started again after {restarted - killed['at']:.1f}s")

    # Under a steady load of page views, scalings and deletions go on while each replica in turn
    # is stopped with SIGTERM and started again.
    stop_load = threading.Event()
    load = Console(lb_url, jar)

    def page_views():
        while not stop_load.is_set():
            load.get("/clusters")
            load.call("list_clusters", {"project": PROJECT})

    viewers = [threading.Thread(target=page_views, daemon=True) for _ in range(3)]
    for viewer in viewers:
        viewer.start()
    rolling = {}

    def rolling_restart():
        rolling["start"] = time.monotonic()
        for replica in replicas:
            replica.process.send_signal(signal.SIGTERM)
            code = replica.process.wait(timeout=30)
            if code != 0:
                raise SystemExit(f"replicas: {replica.name} exited with {code} on SIGTERM")
            replica.start()
            time.sleep(3)
        rolling["end"] = time.monotonic()

    restarter = threading.Thread(target=rolling_restart)
    restarter.start()
    names = sorted(clusters)
    scaled, deleted = names[:SCALINGS], names[CREATIONS - DELETIONS:]

    def scale(name):
        cluster = clusters[name]
        status, text = console.call("node_pools", {"project": PROJECT, "cluster": cluster})
        if status != 200:
            raise SystemExit(f"replicas: node pools of {name}: {status} {text}")
        pool = json.loads(text)[0]
        spec = {**pool["spec"], "desiredNodes": 2}
        body = {"project": PROJECT, "cluster": cluster, "pool": pool["id"], "spec": spec, "key": f"scale-{name}"}
        return submit_until_answered(console, "update_node_pool", body=body)

    with ThreadPoolExecutor(6) as pool:
        scalings = list(pool.map(scale, scaled))
    wait_for_operations(console, scalings, timeout=240)

    def delete(name):
        form = {"project": PROJECT, "cluster": clusters[name], "confirm": name}
        return submit_until_answered(console, "delete_cluster", form=form)

    with ThreadPoolExecutor(6) as pool:
        deletions = list(pool.map(delete, deleted))
    wait_for_operations(console, deletions, timeout=240)
    restarter.join()
    stop_load.set()
    for viewer in viewers:
        viewer.join()
    print(f"replicas: {SCALINGS} scalings and {DELETIONS} deletions succeeded during a rolling restart "
          f"({rolling['end'] - rolling['start']:.1f}s)")

    # Each change reached the provider exactly once.
    with urllib.request.urlopen(emulator_url + "/emulator/tally") as response:
        tally = json.load(response)
    wrong = [name for name in names
             if tally.get(name, {}).get("created") != 1
             or tally[name].get("deleted") != (1 if name in deleted else 0)
             or (name in scaled and tally[name].get("poolUpdates", 0) < 1)]
    if wrong:
        raise SystemExit(f"replicas: not exactly once at the provider: {[(n, tally.get(n)) for n in wrong[:5]]}")
    repeated_scalings = sum(tally[name].get("poolUpdates", 0) - 1 for name in scaled)

    # The streams: those cut by the kill came back, and each saw the last operations end and the
    # final cluster list.
    expected = set(names) - set(deleted)
    wait_until("the streams to show the final cluster list",
               lambda: all(s.last_clusters() == expected for s in streams), timeout=60)
    for stream in streams:
        states = stream.operation_states()
        unseen = [op for op in deletions if states.get(op) != "succeeded"]
        if unseen:
            last = [(op, states.get(op)) for op in unseen[:5]]
            raise SystemExit(f"replicas: a stream ({stream.connects} connections) did not see {len(unseen)} "
                             f"deletions succeed; the last state it saw of each: {last}")
    reconnects = sum(s.connects - 1 for s in streams)
    for stream in streams:
        stream.stopped = True

    # Requests: only those in flight on the killed replica may have failed.
    answers_all = console.answers + load.answers
    failed = [a for a in answers_all if not (isinstance(a[2], int) and a[2] < 500)]
    in_flight = [a for a in failed if a[0] <= killed["down"] and a[1] >= killed["at"]]
    others = [a for a in failed if a not in in_flight]
    during_rolling = [a for a in load.answers if rolling["start"] <= a[0] <= rolling["end"]]
    if others:
        raise SystemExit(f"replicas: {len(others)} requests failed outside the kill: {others[:5]}")
    print(f"replicas: {len(answers_all)} requests through the load balancer; lost: {len(in_flight)} "
          f"(in flight on the killed replica); {len(during_rolling)} page views during the rolling restart, none lost")
    print(f"replicas: recovery after kill -9: its {killed['running']} running operation(s) taken over "
          f"{recovered - killed['at']:.1f}s after the kill (their 30 s leases expire); "
          f"load balancer routed around it at once (retry on refused connections)")
    print(f"replicas: streams reconnected {reconnects} times and saw every outcome; "
          f"provider calls exactly once per creation and deletion; scalings re-sent after a restart: {repeated_scalings}")
    print(f"replicas: 100 operations in {time.monotonic() - started:.1f}s")

    # The metrics, as Prometheus would scrape them, from both replicas: each is checked; a family
    # only has series on a replica that did the thing it counts (after the rolling restart, the
    # replica started last may not have called the provider yet), so each family must be on one.
    families = set()
    for replica in replicas:
        with urllib.request.urlopen(f"http://127.0.0.1:{replica.metrics_port}/metrics") as response:
            text = response.read()
        check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True)
        if check.returncode != 0:
            raise SystemExit(f"replicas: promtool check metrics: {check.stdout.decode()}{check.stderr.decode()}")
        families |= {line.split()[2] for line in text.decode().splitlines() if line.startswith("# TYPE")}
    for family in ["pilothouse_http_requests_total", "pilothouse_provider_requests_total",
                   "pilothouse_operations_finished_total", "pilothouse_sessions"]:
        if family not in families:
            raise SystemExit(f"replicas: {family} missing from the metrics of both replicas")
    print(f"replicas: /metrics passes promtool check metrics ({len(families)} families)")


if __name__ == "__main__":
    main()
