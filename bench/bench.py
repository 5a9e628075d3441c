#!/usr/bin/env python3
"""HealthyApi benchmarks: every figure next to a baseline measured in the same run.

Run through bench/run.sh, which builds and passes the published folders. Baselines:
  (a) bare      - a Minimal API with one endpoint returning a constant (Kestrel's limit here)
  (b) naive     - MapHealthChecks with the same PostgreSQL and Redis checks run on every request
"""
import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args):
    return ["runuser", "-u", "postgres", "--"] + args if os.geteuid() == 0 else args


def http_status(port, path, timeout=2.0, method="GET"):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request(method, path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


def wait_status(port, path, status=200, timeout=60.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_status(port, path, timeout=1.0) == status:
            return time.monotonic()
        time.sleep(interval)
    raise TimeoutError(f"127.0.0.1:{port}{path} did not answer {status} within {timeout} s")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------- servers

class Postgres:
    def __init__(self, work, bin_dir):
        # The real folder, not a symlink farm: its ../lib holds pg_stat_statements.
        self.bin = os.path.dirname(os.path.realpath(f"{bin_dir}/postgres"))
        self.psql = f"{bin_dir}/psql" if os.path.exists(f"{bin_dir}/psql") else shutil.which("psql")
        self.dir = os.path.join(work, "pg")
        self.port = free_port()
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            shutil.chown(work, "postgres")
            shutil.chown(self.dir, "postgres")
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", self.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.dir, "-l", f"{self.dir}/log", "-w", "start", "-o",
                                    f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c shared_preload_libraries=pg_stat_statements"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.pid = int(open(f"{self.dir}/postmaster.pid").readline())
        self.sql("CREATE EXTENSION pg_stat_statements")

    def sql(self, statement, db="postgres"):
        out = subprocess.run(as_postgres([self.psql, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-Atc", statement]),
                             capture_output=True, text=True, cwd="/")
        if out.returncode != 0:
            raise RuntimeError(f"psql {statement!r}: {out.stderr.strip()}")
        return out.stdout.strip()

    def connection(self, db):
        return f"Host=127.0.0.1;Port={self.port};Username=postgres;Database={db};Timeout=5"

    def statements(self, db):
        """Statements executed in one database, from pg_stat_statements, which counts each one as it
        ends (pg_stat_database lags by up to 10 s for idle pooled connections)."""
        return int(self.sql(f"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{db}'"))

    def freeze(self):
        os.kill(self.pid, signal.SIGSTOP)
        for child in subprocess.run(["pgrep", "-P", str(self.pid)], capture_output=True, text=True).stdout.split():
            os.kill(int(child), signal.SIGSTOP)

    def thaw(self):
        for child in subprocess.run(["pgrep", "-P", str(self.pid)], capture_output=True, text=True).stdout.split():
            os.kill(int(child), signal.SIGCONT)
        os.kill(self.pid, signal.SIGCONT)

    def stop(self):
        self.thaw()
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.dir, "-m", "immediate", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Redis:
    def __init__(self, work):
        self.port = free_port()
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def stop(self):
        self.proc.kill()


class Service:
    """One process of ours or of a baseline; `app`/`mgmt` ports; output in a log file."""

    def __init__(self, name, dll, work, env, mgmt=True, launcher=()):
        self.name = name
        self.app = free_port()
        self.mgmt = free_port() if mgmt else self.app
        full = {k: v for k, v in os.environ.items() if not k.startswith(("ASPNETCORE_", "ConnectionStrings__", "OTEL_"))}
        full.update({"ASPNETCORE_ENVIRONMENT": "Production", "ASPNETCORE_HTTP_PORTS": str(self.app), "Logging__LogLevel__Default": "Warning",
                     "Logging__LogLevel__HealthyApi.Lifecycle": "Information"})
        if mgmt:
            full["Management__Port"] = str(self.mgmt)
        full.update(env)
        self.log_path = os.path.join(work, f"{name}-{self.app}.log")
        self.started = time.monotonic()
        self.proc = subprocess.Popen([*launcher, "dotnet", dll], cwd=os.path.dirname(dll), env=full, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ---------------------------------------------------------------- load

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk(port, path, seconds, connections=32, threads=2, timeout="2s"):
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", timeout, "--latency",
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = to_ms(m.group(1)) if m else None
    m = re.search(r"timeout (\d+)", out)
    result["timeouts"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = int(m.group(1)) if m else 0
    return result


def timed_probes(port, path, seconds, workers=8, timeout=5.0):
    """Latencies of GETs sent back to back by `workers` clients for `seconds`; a request that gets no
    answer within `timeout` counts as a timeout at `timeout` (wrk cannot: it drops unanswered requests)."""
    latencies, timeouts, lock = [], [0], threading.Lock()
    end = time.monotonic() + seconds

    def work():
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                conn.request("GET", path)
                conn.getresponse().read()
                conn.close()
                with lock:
                    latencies.append((time.monotonic() - started) * 1000)
            except (OSError, http.client.HTTPException):
                with lock:
                    timeouts[0] += 1
                    latencies.append(timeout * 1000)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(len(latencies) * q))], 2) if latencies else None
    return {"requests": len(latencies), "p50_ms": pick(0.5), "p99_ms": pick(0.99), "timeouts": timeouts[0]}


class BalancedClient:
    """A load balancer's view: workers send GET to the instances still routed; a poller checks each
    instance's /readyz every `poll` seconds and stops routing to it one poll after it sees 503."""

    def __init__(self, targets, path, workers=4, poll=0.1, through_proxy=False):
        self.targets = targets            # list of (app_port, mgmt_port)
        self.routed = set(range(len(targets)))
        self.path = path
        self.poll = poll
        self.through_proxy = through_proxy
        self.ok = self.failed = 0
        self.failures = []
        self.lock = threading.Lock()
        self.running = True
        self.flip_at = {}
        self.threads = [threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(workers)]
        if not through_proxy:
            self.threads.append(threading.Thread(target=self._poll, daemon=True))
        for t in self.threads:
            t.start()

    def _poll(self):
        seen = {}
        while self.running:
            for i, (_, mgmt) in enumerate(self.targets):
                if i in self.routed:
                    if seen.get(i):
                        self.routed.discard(i)  # one poll after the 503
                    elif http_status(mgmt, "/readyz", timeout=1) == 503:
                        seen[i] = True
                        self.flip_at.setdefault(i, time.monotonic())
            time.sleep(self.poll)

    def _work(self, n):
        conns = {}
        k = n
        while self.running:
            routed = sorted(self.routed)
            if not routed:
                time.sleep(0.01)
                continue
            k += 1
            i = routed[k % len(routed)]
            port = self.targets[i][0]
            try:
                conn = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conns[port] = conn
                conn.request("GET", self.path)
                response = conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conns.pop(port, None)
                with self.lock:
                    if 200 <= response.status < 300:
                        self.ok += 1
                    else:
                        self.failed += 1
                        self.failures.append(f"HTTP {response.status}")
            except (OSError, http.client.HTTPException) as e:
                conns.pop(port, None)
                with self.lock:
                    self.failed += 1
                    self.failures.append(f"{type(e).__name__}: {e}")

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join(10)


# ---------------------------------------------------------------- scenarios

def ratio(a, b):
    return round(a / b, 3) if b else None


def scenario_probe_throughput(ours_dll, bare_dll, env, work, seconds, rounds):
    log("1. /healthz throughput vs bare Minimal API")
    ours = Service("ours", ours_dll, work, env)
    bare = Service("bare", bare_dll, work, {}, mgmt=False)
    wait_status(ours.mgmt, "/readyz", timeout=120)
    wait_status(bare.app, "/")
    wrk(ours.mgmt, "/healthz", 2), wrk(bare.app, "/", 2)  # warm-up: JIT, tiered compilation
    runs_ours, runs_bare, rss_ours, rss_bare = [], [], [], []
    for _ in range(rounds):  # alternate so drift on a shared machine hits both
        r = {}
        t = threading.Thread(target=lambda: r.update(w=wrk(ours.mgmt, "/healthz", seconds)))
        t.start(); time.sleep(seconds / 2); rss_ours.append(rss_mib(ours.proc.pid)); t.join()
        runs_ours.append(r["w"])
        t = threading.Thread(target=lambda: r.update(w=wrk(bare.app, "/", seconds)))
        t.start(); time.sleep(seconds / 2); rss_bare.append(rss_mib(bare.proc.pid)); t.join()
        runs_bare.append(r["w"])
    time.sleep(3)
    idle = {"ours_mib": round(rss_mib(ours.proc.pid), 1), "bare_mib": round(rss_mib(bare.proc.pid), 1)}
    ours.stop(); bare.stop()
    med = lambda runs, key: statistics.median(r[key] for r in runs)
    result = {
        "ours": {"rps": med(runs_ours, "rps"), "p50_ms": med(runs_ours, "p50_ms"), "p99_ms": med(runs_ours, "p99_ms")},
        "bare": {"rps": med(runs_bare, "rps"), "p50_ms": med(runs_bare, "p50_ms"), "p99_ms": med(runs_bare, "p99_ms")},
        "rounds": rounds,
    }
    result["throughput_ratio"] = ratio(result["ours"]["rps"], result["bare"]["rps"])
    rss = {"idle": idle, "load": {"ours_mib": round(statistics.median(rss_ours), 1), "bare_mib": round(statistics.median(rss_bare), 1)}}
    rss["idle"]["ratio"] = ratio(idle["ours_mib"], idle["bare_mib"])
    rss["load"]["ratio"] = ratio(rss["load"]["ours_mib"], rss["load"]["bare_mib"])
    return result, rss


def scenario_migrating_start_rss(ours_dll, env, work, seconds):
    """RSS of an instance whose start applied the migrations (a fresh database): the load and idle of
    scenario 1, after EF Core's migrator has run in the process."""
    log("6b. RSS after a start that applied the migrations")
    ours = Service("ours", ours_dll, work, env)
    wait_status(ours.mgmt, "/readyz", timeout=120)
    wrk(ours.mgmt, "/healthz", 2)
    r = {}
    t = threading.Thread(target=lambda: r.update(w=wrk(ours.mgmt, "/healthz", seconds)))
    t.start(); time.sleep(seconds / 2); load = rss_mib(ours.proc.pid); t.join()
    time.sleep(3)
    idle = rss_mib(ours.proc.pid)
    ours.stop()
    return {"load_mib": round(load, 1), "idle_mib": round(idle, 1)}


def scenario_flood_and_hang(ours_dll, naive_dll, pg, redis, work, seconds):
    log("2. /readyz flood: queries reaching PostgreSQL; 3. probes while PostgreSQL hangs")
    ours = Service("ours", ours_dll, work, {"ConnectionStrings__Postgres": pg.connection("ours"), "ConnectionStrings__Redis": f"127.0.0.1:{redis.port}"})
    naive = Service("naive", naive_dll, work, {"ConnectionStrings__Postgres": pg.connection("naive"), "ConnectionStrings__Redis": f"127.0.0.1:{redis.port}"}, mgmt=False)
    wait_status(ours.mgmt, "/readyz", timeout=120)
    wait_status(naive.app, "/readyz", timeout=60)
    wrk(ours.mgmt, "/readyz", 2), wrk(naive.app, "/readyz", 2)
    flood = {}
    for name, svc, db in (("ours", ours, "ours"), ("naive", naive, "naive")):
        before = pg.statements(db)
        w = wrk(svc.mgmt, "/readyz", seconds)
        queries = pg.statements(db) - before
        flood[name] = {"rps": w["rps"], "p99_ms": w["p99_ms"], "non2xx": w["non2xx"], "queries_per_s": round(queries / seconds, 1),
                       "queries_per_request": round(queries / max(w["requests"], 1), 4)}
    # Ours: per 2 s period, SELECT 1 and the write, each followed by Npgsql's DISCARD ALL when the
    # pooled connection is reused: about 2 statements/s whatever the request rate. The naive baseline
    # sends SELECT 1 + DISCARD ALL per request.
    flood["ours"]["expected_queries_per_s"] = 2.0

    pg.freeze()
    try:
        time.sleep(0.5)
        hang = {"ours_readyz": timed_probes(ours.mgmt, "/readyz", seconds),
                "ours_healthz": timed_probes(ours.mgmt, "/healthz", seconds),
                "naive_readyz": timed_probes(naive.app, "/readyz", seconds)}
    finally:
        pg.thaw()
    ours.stop(); naive.stop()
    return flood, hang


def scenario_sigterm(ours_dll, env, work, drain_seconds, min_requests):
    log(f"4. SIGTERM under steady load (drain delay {drain_seconds} s)")
    svc = Service("ours", ours_dll, work, dict(env, Health__DrainDelay=f"00:00:{drain_seconds:02d}"))
    wait_status(svc.mgmt, "/readyz", timeout=120)
    client = BalancedClient([(svc.app, svc.mgmt)], "/", workers=4)
    deadline = time.monotonic() + 60
    # The client stops routing one poll after the 503, so nearly all requests are sent before the signal.
    while client.ok < min_requests and time.monotonic() < deadline:
        time.sleep(0.1)
    signalled = time.monotonic()
    svc.proc.send_signal(signal.SIGTERM)
    flip = None
    while time.monotonic() - signalled < 2:
        if http_status(svc.mgmt, "/readyz", timeout=1) == 503:
            flip = time.monotonic() - signalled
            break
        time.sleep(0.002)
    code = svc.proc.wait(120)
    total = time.monotonic() - signalled
    client.stop()
    return {"requests": client.ok + client.failed, "failed": client.failed, "failures": client.failures[:5],
            "readiness_flip_ms": round(flip * 1000, 1) if flip is not None else None, "exit_code": code,
            "shutdown_s": round(total, 2), "drain_delay_s": drain_seconds}


def scenario_startup(ours_dll, bare_dll, naive_dll, env, naive_env, work, rounds):
    log("5. start-up: first /healthz and /readyz 200 vs bare's first 200 and naive's first /readyz 200; RSS 2 s after")
    unreachable = {"ConnectionStrings__Postgres": f"Host=127.0.0.1;Port={free_port()};Username=x;Password=x;Database=x;Timeout=5",
                   "ConnectionStrings__Redis": f"127.0.0.1:{free_port()}"}
    runs = {k: [] for k in ("bare", "ours_live", "ours_ready", "naive", "down_live", "bare_rss", "ours_rss", "naive_rss")}
    for _ in range(rounds):  # alternate, so drift on a shared machine hits every app alike
        bare = Service("bare", bare_dll, work, {}, mgmt=False)
        runs["bare"].append(wait_status(bare.app, "/", interval=0.005) - bare.started)
        time.sleep(2); runs["bare_rss"].append(rss_mib(bare.proc.pid)); bare.stop()
        ours = Service("ours", ours_dll, work, env)
        runs["ours_live"].append(wait_status(ours.mgmt, "/healthz", interval=0.005) - ours.started)
        runs["ours_ready"].append(wait_status(ours.mgmt, "/readyz", interval=0.005, timeout=120) - ours.started)
        time.sleep(2); runs["ours_rss"].append(rss_mib(ours.proc.pid)); ours.stop()
        naive = Service("naive", naive_dll, work, naive_env, mgmt=False)
        runs["naive"].append(wait_status(naive.app, "/readyz", interval=0.005, timeout=120) - naive.started)
        time.sleep(2); runs["naive_rss"].append(rss_mib(naive.proc.pid)); naive.stop()
        # Dependencies unreachable: liveness must not wait for them.
        down = Service("ours", ours_dll, work, unreachable)
        runs["down_live"].append(wait_status(down.mgmt, "/healthz", interval=0.005) - down.started)
        down.stop()
    med = {k: round(statistics.median(v), 3 if not k.endswith("_rss") else 1) for k, v in runs.items()}
    result = {"bare_first_200_s": med["bare"], "ours_healthz_s": med["ours_live"], "ours_readyz_s": med["ours_ready"],
              "naive_readyz_s": med["naive"], "ours_healthz_unreachable_s": med["down_live"], "rounds": rounds,
              "rss_after_start_mib": {"bare": med["bare_rss"], "ours": med["ours_rss"], "naive": med["naive_rss"]}}
    result["healthz_ratio"] = ratio(result["ours_healthz_s"], result["bare_first_200_s"])
    result["readyz_ratio"] = ratio(result["ours_readyz_s"], result["bare_first_200_s"])
    result["naive_ratio"] = ratio(result["naive_readyz_s"], result["bare_first_200_s"])
    result["unreachable_ratio"] = ratio(result["ours_healthz_unreachable_s"], result["bare_first_200_s"])
    return result


def scenario_rolling(ours_dll, env, work, drain_seconds, restarts_per_instance=1):
    log("7. rolling restart of 3 instances behind nginx")
    env = dict(env, Health__DrainDelay=f"00:00:{drain_seconds:02d}")
    instances = [Service("roll", ours_dll, work, env) for _ in range(3)]
    for s in instances:
        wait_status(s.mgmt, "/readyz", timeout=120)
    nginx_dir = os.path.join(work, "nginx")
    os.makedirs(os.path.join(nginx_dir, "logs"), exist_ok=True)
    proxy_port = free_port()
    with open(os.path.join(ROOT, "deploy", "nginx", os.listdir(os.path.join(ROOT, "deploy", "nginx"))[0])) as f:
        site = f.read()
    servers = iter(s.app for s in instances)
    site = re.sub(r"server 127\.0\.0\.1:\d+", lambda _: f"server 127.0.0.1:{next(servers)}", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
    conf = os.path.join(nginx_dir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"worker_processes 1;\nerror_log {nginx_dir}/logs/error.log warn;\npid {nginx_dir}/nginx.pid;\n"
                f"events {{ worker_connections 1024; }}\nhttp {{\n access_log off;\n client_body_temp_path {nginx_dir}/tmp;\n"
                f" proxy_temp_path {nginx_dir}/tmp;\n{site}\n}}\n")
    nginx = subprocess.Popen(["nginx", "-p", nginx_dir, "-c", conf, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_status(proxy_port, "/")
    client = BalancedClient([(proxy_port, None)], "/", workers=4, through_proxy=True)
    time.sleep(2)
    started = time.monotonic()
    for round_ in range(restarts_per_instance):
        for i, old in enumerate(instances):
            old.proc.send_signal(signal.SIGTERM)
            old.proc.wait(120)
            new = Service("roll", ours_dll, work, dict(env, ASPNETCORE_HTTP_PORTS=str(old.app)))
            # keep the port: nginx's upstream list is static
            new.app = old.app
            wait_status(new.mgmt, "/readyz", timeout=120)
            instances[i] = new
    time.sleep(2)
    client.stop()
    roll_s = time.monotonic() - started
    nginx.send_signal(signal.SIGQUIT)
    nginx.wait(10)
    for s in instances:
        s.stop()
    return {"requests": client.ok + client.failed, "failed": client.failed, "failures": client.failures[:5],
            "restarts": 3 * restarts_per_instance, "roll_s": round(roll_s, 1), "drain_delay_s": drain_seconds}


# ---------------------------------------------------------------- report

def open_idle(port, count):
    """`count` TCP connections to `port` that send nothing; a refused or timed-out connect is skipped."""
    socks = []
    for _ in range(count):
        sock = socket.socket()
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", port))
            socks.append(sock)
        except OSError:
            sock.close()
    return socks


def still_open(socks):
    """Connections the server has not closed (a closed one is readable with nothing to read)."""
    import select
    alive = 0
    for sock in socks:
        try:
            poller = select.poll()  # select() cannot take descriptors above 1024
            poller.register(sock, select.POLLIN)
            if not poller.poll(0) or sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                alive += 1
        except OSError:
            pass
    return alive


def scenario_hostile(ours_dll, bare_dll, env, work, seconds, limit=2000):
    """Idle connections to the app port, up to the app port's budget and twice it; probes timed meanwhile.
    Ours is probed on its management port; bare has one port, so its probe shares the flooded one."""
    log(f"8. hostile traffic: idle-connection floods of {limit} and {2 * limit} on the app port")
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    cases = []
    for name, dll, launcher, count in (("ours", ours_dll, (), limit), ("ours", ours_dll, (), 2 * limit), ("bare", bare_dll, (), 2 * limit),
                                       ("ours (fd limit 4096)", ours_dll, ("prlimit", "--nofile=4096:4096", "--"), 6000),
                                       ("bare (fd limit 4096)", bare_dll, ("prlimit", "--nofile=4096:4096", "--"), 6000)):
        ours = name.startswith("ours")
        service = Service(name.split()[0], dll, work, env if ours else {}, mgmt=ours, launcher=launcher)
        try:
            wait_status(service.mgmt, "/readyz" if ours else "/", timeout=120)
            rss_before = rss_mib(service.proc.pid)
            socks = open_idle(service.app, count)
            time.sleep(2)
            probes = {"healthz": timed_probes(service.mgmt, "/healthz" if ours else "/", seconds, workers=2, timeout=2.0)}
            if ours:
                probes["readyz"] = timed_probes(service.mgmt, "/readyz", seconds, workers=2, timeout=2.0)
            alive = service.proc.poll() is None
            case = {"service": name, "connections": count, "accepted": len(socks), "held_open": still_open(socks), "alive": alive,
                    "rss_before_mib": round(rss_before, 1), "rss_mib": round(rss_mib(service.proc.pid), 1) if alive else None,
                    "healthz": probes["healthz"], "readyz": probes.get("readyz")}
            for sock in socks:
                sock.close()
            case["serves_after"] = alive and wait_status(service.app, "/", timeout=15) is not None
            cases.append(case)
            log(f"   {name}, {count} connections: alive {alive}, held {case['held_open']}, RSS {case['rss_mib']} MiB, "
                f"probe p99 {probes['healthz']['p99_ms']} ms, {probes['healthz']['timeouts']} timeouts")
        except (TimeoutError, OSError) as error:
            cases.append({"service": name, "connections": count, "alive": service.proc.poll() is None, "error": str(error)})
        finally:
            service.stop()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return {"limit": limit, "cases": cases}


def fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def verdict(ok):
    return "met" if ok else "**missed**"


def write_report(results, path_md, path_json):
    with open(path_json, "w") as f:
        json.dump(results, f, indent=2)
    s1, rss, mig, fl, hang, st, up, roll, hostile = (results[k] for k in ("probe_throughput", "rss", "migrating_rss", "flood", "hang", "sigterm", "startup", "rolling", "hostile"))
    rows = [
        ("1. `/healthz` throughput vs bare Kestrel", f"{fmt(s1['ours']['rps'], 0)} vs {fmt(s1['bare']['rps'], 0)} req/s = **{s1['throughput_ratio']}×**; "
         f"p50 {fmt(s1['ours']['p50_ms'], 2)} vs {fmt(s1['bare']['p50_ms'], 2)} ms, p99 {fmt(s1['ours']['p99_ms'], 2)} vs {fmt(s1['bare']['p99_ms'], 2)} ms",
         "≥ 0.95×", verdict(s1["throughput_ratio"] >= 0.95)),
        ("2. `/readyz` flood: queries reaching PostgreSQL", f"ours {fmt(fl['ours']['queries_per_s'])}/s at {fmt(fl['ours']['rps'], 0)} req/s "
         f"({fl['ours']['queries_per_request']} per request); naive {fmt(fl['naive']['queries_per_s'])}/s at {fmt(fl['naive']['rps'], 0)} req/s "
         f"({fl['naive']['queries_per_request']} per request)", "≈ checks per period (2 statements/s), independent of rate", verdict(fl["ours"]["queries_per_s"] <= 3)),
        ("3. probes while PostgreSQL hangs (SIGSTOP)", f"ours `/readyz` p99 {fmt(hang['ours_readyz']['p99_ms'], 2)} ms, `/healthz` p99 {fmt(hang['ours_healthz']['p99_ms'], 2)} ms; "
         f"naive `/readyz` p50 {fmt(hang['naive_readyz']['p50_ms'], 0)} ms, p99 {fmt(hang['naive_readyz']['p99_ms'], 0)} ms, {hang['naive_readyz']['timeouts']} of {hang['naive_readyz']['requests']} timed out (5 s client timeout)",
         "ours in ms; naive waits", verdict((hang["ours_readyz"]["p99_ms"] or 1e9) < 100 and (hang["ours_healthz"]["p99_ms"] or 1e9) < 100)),
        ("4. SIGTERM under load (LB-like client)", f"{st['failed']} failed of {st['requests']:,}; readiness 503 after {fmt(st['readiness_flip_ms'])} ms; "
         f"exit {st['exit_code']} after {st['shutdown_s']} s (delay {st['drain_delay_s']} s)", "0 of ≥ 20,000; exit 0; ≈ delay",
         verdict(st["failed"] == 0 and st["requests"] >= 20000 and st["exit_code"] == 0)),
        ("5. start-up", f"first `/healthz` 200 {up['ours_healthz_s']} s, first `/readyz` 200 {up['ours_readyz_s']} s; bare first 200 {up['bare_first_200_s']} s "
         f"= **{up['healthz_ratio']}×** / **{up['readyz_ratio']}×**; naive first `/readyz` 200 {up['naive_readyz_s']} s = {up['naive_ratio']}×",
         "≤ 1.5× / ≤ 2×; not worse than naive", verdict(up["healthz_ratio"] <= 1.5 and up["readyz_ratio"] <= 2 and up["ours_readyz_s"] <= up["naive_readyz_s"])),
        ("5b. start-up, dependencies unreachable", f"first `/healthz` 200 {up['ours_healthz_unreachable_s']} s = **{up['unreachable_ratio']}×** bare",
         "≤ 1.5× (liveness waits for nothing)", verdict(up["unreachable_ratio"] <= 1.5)),
        ("5c. RSS 2 s after start", f"ours {up['rss_after_start_mib']['ours']} MiB, bare {up['rss_after_start_mib']['bare']} MiB "
         f"= **{ratio(up['rss_after_start_mib']['ours'], up['rss_after_start_mib']['bare'])}×**; naive {up['rss_after_start_mib']['naive']} MiB",
         "≤ 1.5×; not worse than naive", verdict(ratio(up['rss_after_start_mib']['ours'], up['rss_after_start_mib']['bare']) <= 1.5 and up['rss_after_start_mib']['ours'] <= up['rss_after_start_mib']['naive'])),
        ("6. RSS (a start with the schema up to date)", f"idle {rss['idle']['ours_mib']} vs {rss['idle']['bare_mib']} MiB = **{rss['idle']['ratio']}×**; under load {rss['load']['ours_mib']} vs "
         f"{rss['load']['bare_mib']} MiB = **{rss['load']['ratio']}×**", "≤ 1.5×", verdict(rss["idle"]["ratio"] <= 1.5 and rss["load"]["ratio"] <= 1.5)),
        ("6b. RSS after a start that applied the migrations", f"idle {mig['idle_mib']} MiB = **{ratio(mig['idle_mib'], rss['idle']['bare_mib'])}×** bare; "
         f"under load {mig['load_mib']} MiB = **{ratio(mig['load_mib'], rss['load']['bare_mib'])}×**", "≤ 1.5×",
         verdict(ratio(mig['idle_mib'], rss['idle']['bare_mib']) <= 1.5 and ratio(mig['load_mib'], rss['load']['bare_mib']) <= 1.5)),
        ("7. rolling restart, 3 instances behind nginx", f"{roll['failed']} failed of {roll['requests']:,} across {roll['restarts']} restarts in {roll['roll_s']} s "
         f"(drain delay {roll['drain_delay_s']} s)", "0 failures", verdict(roll["failed"] == 0)),
    ]
    for case in hostile["cases"]:
        probe = case.get("healthz") or {}
        ours = case["service"].startswith("ours")
        rows.append((f"8. {case['connections']:,} idle connections to the app port, {case['service']}",
                     f"{'alive' if case['alive'] else '**died**'}; held {case.get('held_open', '—')} of {case.get('accepted', '—')} accepted; "
                     f"RSS {fmt(case.get('rss_before_mib'))} → {fmt(case.get('rss_mib'))} MiB; "
                     f"{'management `/healthz`' if ours else '`/` on the flooded port'} p99 {fmt(probe.get('p99_ms'), 2)} ms, "
                     f"{probe.get('timeouts', '—')} of {probe.get('requests', '—')} timed out"
                     + (f"; `/readyz` p99 {fmt(case['readyz']['p99_ms'], 2)} ms" if case.get("readyz") else ""),
                     "alive; probes answer; holds ≤ the budget" if ours else "baseline",
                     verdict(case["alive"] and probe.get("timeouts", 1) == 0 and (case.get("held_open") or 0) <= hostile["limit"]) if ours else "—"))
    meta = results["meta"]
    with open(path_md, "w") as f:
        f.write(f"# Benchmark results\n\n`{meta['command']}` on {meta['date']}, {meta['machine']}.\n\n")
        f.write("| scenario | result (ours vs baseline, same run) | target | |\n| --- | --- | --- | --- |\n")
        for row in rows:
            f.write("| " + " | ".join(row) + " |\n")
        f.write("\nBaselines: *bare* = a Minimal API with one constant endpoint; *naive* = `MapHealthChecks` running the same "
                "PostgreSQL and Redis checks on every request. All three published with the Dockerfile's flags "
                f"(`dotnet publish {meta.get('publish_flags', '')}`). Medians of alternating rounds; raw figures in `latest.json`.\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ours", required=True)
    parser.add_argument("--bare", required=True)
    parser.add_argument("--naive", required=True)
    parser.add_argument("--pg-bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--command", default="bench/run.sh")
    parser.add_argument("--publish-flags", default="")
    args = parser.parse_args()
    seconds, rounds = (5, 3) if args.quick else (10, 5)

    pg = Postgres(args.work, args.pg_bin)
    redis = Redis(args.work)
    results = {}
    try:
        for db in ("ours", "naive", "roll"):
            pg.sql(f"CREATE DATABASE {db}")
        env = {"ConnectionStrings__Postgres": pg.connection("roll"), "ConnectionStrings__Redis": f"127.0.0.1:{redis.port}"}
        # The first start on the fresh database applies the migrations (6b); every later start finds the
        # schema up to date, as nearly every start of a deployed service does (1, 6 and the rest).
        results["migrating_rss"] = scenario_migrating_start_rss(args.ours, env, args.work, seconds)
        results["probe_throughput"], results["rss"] = scenario_probe_throughput(args.ours, args.bare, env, args.work, seconds, rounds)
        results["flood"], results["hang"] = scenario_flood_and_hang(args.ours, args.naive, pg, redis, args.work, seconds)
        results["sigterm"] = scenario_sigterm(args.ours, env, args.work, drain_seconds=5 if args.quick else 15, min_requests=20000)
        naive_env = {"ConnectionStrings__Postgres": pg.connection("naive"), "ConnectionStrings__Redis": f"127.0.0.1:{redis.port}"}
        results["startup"] = scenario_startup(args.ours, args.bare, args.naive, env, naive_env, args.work, rounds=5 if args.quick else 9)
        results["rolling"] = scenario_rolling(args.ours, env, args.work, drain_seconds=2, restarts_per_instance=1 if args.quick else 3)
        results["hostile"] = scenario_hostile(args.ours, args.bare, env, args.work, seconds=3 if args.quick else 10)
    finally:
        redis.stop()
        pg.stop()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    results["meta"] = {"command": args.command, "publish_flags": args.publish_flags, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": args.quick,
                       "machine": f"{os.cpu_count()} cores ({cpu}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, {platform.system()} {platform.release()}"}
    out = os.path.join(ROOT, "bench", "results")
    os.makedirs(out, exist_ok=True)
    write_report(results, os.path.join(out, "latest.md"), os.path.join(out, "latest.json"))
    print(open(os.path.join(out, "latest.md")).read())


if __name__ == "__main__":
    sys.exit(main())
