#!/usr/bin/env python3
"""End-to-end smoke suite of the native (Native AOT) tenant-reconciler, compared with the JIT build.

    python3 .ci/aot_smoke.py --native PATH --jit PATH [--out DIR] [--azurite-endpoint URL]

Each step runs the same command with both builds, one after the other, in a fresh working folder at the same path
(so every path they print is the same), seeded with the repository's tenants.yaml and examples/emulator-state.json.
A step passes when the native build's exit code, stdout, stderr and the files it writes equal the JIT build's byte
for byte once the parts that differ on every run are replaced by placeholders (see normalize()): random ids
(plan, apply and event ids, never a GUID of the inputs), timestamps, loopback ports, durations, host/pid. Each step
also checks what it is for (an exit code, a plan line, a notification), so two builds broken the same way fail too.

Uses loopback only. Prints one line per step and ends with "aot-smoke: N passed, N failed"; exits 1 on any failure.
"""

import argparse
import difflib
import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="  # Azurite's well-known development key
REGISTRATION = ("/subscriptions/6513270e-269e-4d37-b2a7-4de452e6b438/resourceGroups/azurestack"
                "/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c")
STEP_TIMEOUT = 300  # a guard against a hang only, never an assertion

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
GUID_N = re.compile(r"\b[0-9a-f]{32}\b")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
PORT = re.compile(r"(127\.0\.0\.1|localhost|\[::1\]):\d+")
DURATION = re.compile(r"\b\d+(?:\.\d+)?(?:E-?\d+)? ?(?:ms|s)\b")
JSON_NUMBER_FIELDS = re.compile(r'"(durationMs|elapsedMs|duration|elapsed|durationSeconds|pid|processId)":\s*[0-9.eE+-]+')
WRITER = re.compile(r'"writer":\s*"[^"]*"')
CONTENT_HASH = re.compile(r'"contentHash":\s*"sha256:[0-9a-f]{64}"')


def fixture_guids():
    text = ""
    for name in ("tenants.yaml", "examples/emulator-state.json"):
        with open(os.path.join(REPO, name), encoding="utf-8") as f:
            text += f.read()
    return {g.lower() for g in GUID.findall(text)}


FIXED_GUIDS = fixture_guids()


def normalize(text):
    """The parts of an output that differ on every run, whichever build: replaced by placeholders."""
    ids = {}

    def guid(match):
        value = match.group(0)
        if value.lower() in FIXED_GUIDS:
            return value
        return ids.setdefault(value.lower(), "<id%d>" % (len(ids) + 1))

    text = WRITER.sub('"writer":"<host/pid>"', text)
    text = CONTENT_HASH.sub('"contentHash":"<content hash>"', text)
    text = GUID.sub(guid, text)
    text = GUID_N.sub(guid, text)
    text = TIMESTAMP.sub("<time>", text)
    text = PORT.sub(r"\1:<port>", text)
    text = JSON_NUMBER_FIELDS.sub(lambda m: '"%s":<n>' % m.group(1), text)
    text = DURATION.sub("<duration>", text)
    return text


class Receiver:
    """A loopback HTTP server that records every POST (a webhook receiver for watch --notify)."""

    def __init__(self):
        self.requests = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a webhook receiver is

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.changed:
                    receiver.requests.append((self.path, self.headers.get("Content-Type"), body))
                    receiver.changed.notify_all()
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_address[1], path)

    def wait(self, path, count, timeout=120):
        deadline = time.monotonic() + timeout
        with self.changed:
            while len([r for r in self.requests if r[0] == path]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def take(self, path):
        with self.changed:
            taken = [r for r in self.requests if r[0] == path]
            self.requests = [r for r in self.requests if r[0] != path]
        return taken

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Build:
    def __init__(self, name, executable):
        self.name = name
        self.executable = os.path.abspath(executable)


class Outcome:
    """What one build did in one step: exit code, stdout, stderr, named files, and the step's own observations."""

    def __init__(self, exit_code, stdout, stderr):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.files = {}
        self.extra = {}
        self.seconds = 0.0

    def texts(self):
        yield "exit code", str(self.exit_code)
        yield "stdout", self.stdout
        yield "stderr", self.stderr
        for name in sorted(self.files):
            yield name, self.files[name]
        for name in sorted(self.extra):
            yield name, self.extra[name]


def environment(extra=None):
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("MSBUILD") or k.startswith("DOTNET_") and k not in ("DOTNET_ROOT",)]:
        env.pop(key)
    env.update({"NO_COLOR": "1", "CI": "true", "DOTNET_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_NOLOGO": "1"})
    env.pop("TENANT_RECONCILER_JOURNAL", None)
    env.pop("TENANT_RECONCILER_JOURNAL_CONNECTION_STRING", None)
    if extra:
        env.update(extra)
    return env


def run(build, work, args, stdin=None):
    process = subprocess.run([build.executable] + args, cwd=work, env=environment(), input=(stdin or "").encode(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=STEP_TIMEOUT)
    return Outcome(process.returncode, process.stdout.decode("utf-8", "replace"), process.stderr.decode("utf-8", "replace"))


def read(work, name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return "<missing>"
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8", "replace")


class Background:
    """A long-running command (emulator, watch): its stdout read line by line, stderr collected."""

    def __init__(self, build, work, args):
        self.process = subprocess.Popen([build.executable] + args, cwd=work, env=environment(), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout_lines = []
        self.stderr_lines = []
        self.seen = threading.Condition()
        self.readers = [threading.Thread(target=self._pump, args=(self.process.stdout, self.stdout_lines), daemon=True),
                        threading.Thread(target=self._pump, args=(self.process.stderr, self.stderr_lines), daemon=True)]
        for reader in self.readers:
            reader.start()

    def _pump(self, stream, lines):
        for raw in iter(stream.readline, b""):
            with self.seen:
                lines.append(raw.decode("utf-8", "replace"))
                self.seen.notify_all()
        with self.seen:
            self.seen.notify_all()

    def wait_for(self, pattern, lines, timeout=120):
        deadline = time.monotonic() + timeout
        with self.seen:
            while True:
                for line in lines:
                    match = re.search(pattern, line)
                    if match:
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None and not any(r.is_alive() for r in self.readers):
                    return None
                self.seen.wait(min(left, 1))

    def stop(self, sig=signal.SIGTERM, timeout=120):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for reader in self.readers:
            reader.join(timeout=10)
        return code

    def output(self):
        with self.seen:
            return "".join(self.stdout_lines), "".join(self.stderr_lines)


class Suite:
    def __init__(self, builds, out, azurite_endpoint):
        self.builds = builds
        self.out = out
        self.azurite_endpoint = azurite_endpoint
        self.work = os.path.join(out, "work")
        self.passed = 0
        self.failed = 0
        self.receiver = Receiver()

    # --- the steps ----------------------------------------------------------------------------------------------

    def steps(self):
        plan = ["--emulator", "state.json", "-f", "tenants.yaml"]
        yield "--version", lambda b, w: run(b, w, ["--version"]), self.expect(0, stdout=r"^\d+\.\d+\.\d+")
        yield "validate", lambda b, w: run(b, w, ["validate", "-f", "tenants.yaml"]), self.expect(0)
        yield "validate (invalid file: file, line, column)", lambda b, w: run(b, w, ["validate", "-f", "broken.yaml"]), \
            self.expect(1, stderr=r"broken\.yaml:\d+:\d+")
        yield "schema", lambda b, w: run(b, w, ["schema"]), self.expect(0, stdout=r'"\$schema"')
        yield "plan (text)", lambda b, w: run(b, w, ["plan"] + plan), \
            self.expect(0, stdout=r"Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged\.")
        yield "plan -o json", lambda b, w: run(b, w, ["plan", "-o", "json"] + plan), self.expect(0, stdout=r'"registrations"', json_stdout=True)
        yield "plan -o markdown", lambda b, w: run(b, w, ["plan", "-o", "markdown"] + plan), self.expect(0, stdout=r"\|")
        yield "plan --detailed-exitcode", lambda b, w: run(b, w, ["plan", "--detailed-exitcode"] + plan), self.expect(2)
        yield "plan --out plan.json", lambda b, w: self.with_files(run(b, w, ["plan", "--out", "plan.json"] + plan), w, "plan.json"), \
            self.expect(0, file=("plan.json", r'"formatVersion"'))
        yield "check", lambda b, w: run(b, w, ["check"] + plan), self.expect(0)
        yield "tenants --live", lambda b, w: run(b, w, ["tenants", "--live", "--emulator", "state.json", "-f", "tenants.yaml"]), self.expect(0)
        yield "apply plan.json (local journal)", lambda b, w: self.content_hash(self.with_files(
            run(b, w, ["apply", "plan.json", "--parallelism", "1"] + plan), w, "state.json", ".tenant-reconciler/journal.jsonl"), w, "plan.json"), \
            self.expect(0, stdout=r"Converged", file=(".tenant-reconciler/journal.jsonl", r'"type":"request-finished"'),
                        extra=[("content hash of plan.json", r"^as journalled$")])
        yield "apply plan.json again (refused: applied once)", lambda b, w: run(b, w, ["apply", "plan.json"] + plan), self.expect(1)
        yield "plan after apply (no changes)", lambda b, w: run(b, w, ["plan", "--detailed-exitcode"] + plan), self.expect(0, stdout=r"No changes")
        yield "undo --out undo.plan.json", lambda b, w: self.with_files(
            run(b, w, ["undo", "--emulator", "state.json", "--out", "undo.plan.json"]), w, "undo.plan.json"), \
            self.expect(0, file=("undo.plan.json", r'"undoOf"'))
        yield "apply undo.plan.json", lambda b, w: self.with_files(
            run(b, w, ["apply", "undo.plan.json", "--parallelism", "1", "--emulator", "state.json"]), w, "state.json", ".tenant-reconciler/journal.jsonl"), \
            self.expect(0)
        yield "apply --auto-approve (Azurite blob journal)", self.apply_blob_journal, self.expect(0, stdout=r"Converged")
        yield "undo from the blob journal", self.undo_blob_journal, self.expect(0, file=("undo-blob.plan.json", r'"undoOf"'))
        yield "apply undo-blob.plan.json (Azurite blob journal)", lambda b, w: self.with_files(
            run(b, w, ["apply", "undo-blob.plan.json", "--parallelism", "1", "--emulator", "state.json"] + self.blob_args(b)), w, "state.json"), \
            self.expect(0)
        yield "import", lambda b, w: run(b, w, ["import", REGISTRATION, "--emulator", "state.json"]), self.expect(0, stdout=r"registrations:")
        yield "emulator + plan --arm-endpoint", self.emulator_and_plan, self.expect(0, stdout=r"Plan: ")
        yield "watch: /healthz, /readyz, /metrics, /status, CloudEvents, SIGTERM", self.watch_cloudevents, \
            self.expect(0, extra=[("healthz", r"^200$"), ("readyz", r"^200$"), ("status", r'^200 application/json[^\n]*\n\{'),
                                  ("metrics (tenant_reconciler_* names)", r"^200\ntenant_reconciler_"),
                                  ("notification 0", r'^application/cloudevents\+json[^\n]*\n\{"specversion":"1\.0".*"type":"tenant-reconciler\.drift\.detected"')])
        yield "watch: Slack notification, SIGTERM", self.watch_slack, self.expect(0, extra=[("slack", r'^application/json[^\n]*\n\{"text":')])

    def with_files(self, outcome, work, *names):
        for name in names:
            outcome.files[name] = read(work, name)
        return outcome

    @staticmethod
    def content_hash(outcome, work, plan_file):
        """The plan's content hash as the journal records it must be the SHA-256 of the saved file, its planId zeroed
        (it covers the plan's time, so it differs by run and is a placeholder in the comparison)."""
        text = read(work, plan_file)
        zeroed = re.sub(r'("planId": ")[^"]+(")', r"\g<1>00000000-0000-0000-0000-000000000000\2", text, count=1).rstrip("\n")
        expected = "sha256:" + hashlib.sha256(zeroed.encode("utf-8")).hexdigest()
        issued = re.findall(r'"type":"plan-issued"[^\n]*"contentHash":"(sha256:[0-9a-f]{64})"', outcome.files.get(".tenant-reconciler/journal.jsonl", ""))
        outcome.extra["content hash of " + plan_file] = "as journalled" if expected in issued else "not journalled: %s, journal has %s" % (expected, issued)
        return outcome

    @staticmethod
    def token(build):
        """The part of a name that differs by build on purpose (the blob container, the receiver's path)."""
        return "smoke-%s-%d" % (build.name, os.getpid())

    def blob_args(self, build):
        connection = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=%s;"
                      % (DEV_ACCOUNT_KEY, self.azurite_endpoint.rstrip("/")))
        # Each build its own container (named after the build, normalized away below): the second never sees the first's journal.
        return ["--journal-connection-string", connection, "--journal", self.token(build) + "/journal.jsonl"]

    def apply_blob_journal(self, build, work):
        outcome = run(build, work, ["apply", "--auto-approve", "--parallelism", "1", "--emulator", "state.json", "-f", "tenants.yaml"] + self.blob_args(build))
        return self.with_files(outcome, work, "state.json")

    def undo_blob_journal(self, build, work):
        outcome = run(build, work, ["undo", "--emulator", "state.json", "--out", "undo-blob.plan.json"] + self.blob_args(build))
        return self.with_files(outcome, work, "undo-blob.plan.json")

    def emulator_and_plan(self, build, work):
        emulator = Background(build, work, ["emulator", "--port", "0", "--state", "emulator.json", "--cert-out", "emulator.pem"])
        match = emulator.wait_for(r"(https://127\.0\.0\.1:\d+)", emulator.stdout_lines)
        if match is None:
            code = emulator.stop()
            stdout, stderr = emulator.output()
            return Outcome(code, stdout, stderr)
        plan = run(build, work, ["plan", "--arm-endpoint", match.group(1), "--ca-cert", "emulator.pem", "--auth", "emulator", "-f", "tenants.yaml"])
        code = emulator.stop(signal.SIGINT)
        stdout, stderr = emulator.output()
        plan.extra["emulator exit code"] = str(code)
        plan.extra["emulator stdout"] = stdout
        plan.extra["emulator stderr"] = stderr
        return plan

    def watch(self, build, work, notify_format, path):
        # Its own state, with the example's drift: the first tick detects it, and observe mode keeps it.
        shutil.copy(os.path.join(REPO, "examples", "emulator-state.json"), os.path.join(work, "watch-state.json"))
        return Background(build, work, ["watch", "--emulator", "watch-state.json", "-f", "tenants.yaml", "--listen", "127.0.0.1:0",
                                        "--mode", "observe", "--interval", "1h", "--replica-id", "smoke",
                                        "--notify", self.receiver.url(path), "--notify-format", notify_format])

    def watch_cloudevents(self, build, work):
        path = "/cloudevents/" + self.token(build)
        watch = self.watch(build, work, "cloudevents", path)
        outcome = Outcome(None, "", "")
        listening = watch.wait_for(r"Listening on.*?(http://127\.0\.0\.1:\d+)", watch.stderr_lines)
        if listening is not None:
            base = listening.group(1)
            self.receiver.wait(path, 2)  # drift detected, for each of the two registrations
            status, _, _ = http_get(base + "/healthz")
            outcome.extra["healthz"] = str(status)
            outcome.extra["readyz"] = str(http_get(base + "/readyz")[0])
            status, content_type, body = http_get(base + "/status")
            outcome.extra["status"] = "%s %s\n%s" % (status, content_type, body)
            status, content_type, body = http_get(base + "/metrics")
            outcome.extra["metrics (tenant_reconciler_* names)"] = "%s\n%s" % (status, metric_names(body))
            for i, text in enumerate(received(self.receiver.take(path))):
                outcome.extra["notification %d" % i] = text
        outcome.exit_code = watch.stop(signal.SIGTERM)
        stdout, stderr = watch.output()
        outcome.stdout = stdout
        outcome.extra["stderr (log events)"] = log_events(stderr)
        return outcome

    def watch_slack(self, build, work):
        path = "/slack/" + self.token(build)
        watch = self.watch(build, work, "slack", path)
        outcome = Outcome(None, "", "")
        if watch.wait_for(r"Listening on", watch.stderr_lines) is not None and self.receiver.wait(path, 2):
            for i, text in enumerate(received(self.receiver.take(path))):
                outcome.extra["slack" if i == 0 else "slack %d" % i] = text
        outcome.exit_code = watch.stop(signal.SIGTERM)
        stdout, stderr = watch.output()
        outcome.stdout = stdout
        outcome.extra["stderr (log events)"] = log_events(stderr)
        return outcome

    # --- checks -------------------------------------------------------------------------------------------------

    @staticmethod
    def expect(exit_code, stdout=None, stderr=None, file=None, extra=None, json_stdout=False):
        def check(outcome):
            problems = []
            if outcome.exit_code != exit_code:
                problems.append("exit code %s, expected %s" % (outcome.exit_code, exit_code))
            if stdout and not re.search(stdout, outcome.stdout, re.M):
                problems.append("stdout does not match %r" % stdout)
            if stderr and not re.search(stderr, outcome.stderr, re.M):
                problems.append("stderr does not match %r" % stderr)
            if file and not re.search(file[1], outcome.files.get(file[0], ""), re.M):
                problems.append("%s does not match %r" % file)
            for name, pattern in extra or []:
                if not re.search(pattern, outcome.extra.get(name, "")):
                    problems.append("%s does not match %r" % (name, pattern))
            if json_stdout:
                try:
                    json.loads(outcome.stdout)
                except ValueError as e:
                    problems.append("stdout is not JSON: %s" % e)
            return problems
        return check

    # --- running ------------------------------------------------------------------------------------------------

    def fresh_work(self):
        if os.path.exists(self.work):
            shutil.rmtree(self.work)
        os.makedirs(self.work)
        shutil.copy(os.path.join(REPO, "tenants.yaml"), os.path.join(self.work, "tenants.yaml"))
        shutil.copy(os.path.join(REPO, "examples", "emulator-state.json"), os.path.join(self.work, "state.json"))
        shutil.copy(os.path.join(REPO, "examples", "emulator-state.json"), os.path.join(self.work, "emulator.json"))
        with open(os.path.join(self.work, "broken.yaml"), "w", encoding="utf-8") as f:
            f.write("registrations:\n  - name: azurestack-8f3e1b2c\n    subscriptionId: not-a-guid\n    resourceGroup: azurestack\n    tenants: []\n")

    def run(self):
        outcomes = {}
        steps = list(self.steps())
        # Each build runs every step in order, in the same folder: a step sees what the earlier ones wrote.
        for build in self.builds:
            self.fresh_work()
            for name, action, _ in steps:
                started = time.monotonic()
                try:
                    outcome = action(build, self.work)
                except Exception as e:  # a hang guard or a crash of the suite itself: a failure of the step
                    outcome = Outcome("error", "", "%s: %s" % (type(e).__name__, e))
                outcome.seconds = time.monotonic() - started
                outcomes[(build.name, name)] = outcome
            shutil.move(self.work, os.path.join(self.out, build.name))
            # Everything each build printed, for a look after a failure.
            with open(os.path.join(self.out, build.name + ".log"), "w", encoding="utf-8") as log:
                for name, _, _ in steps:
                    log.write("=== %s\n" % name)
                    for label, text in outcomes[(build.name, name)].texts():
                        log.write("--- %s\n%s\n" % (label, text))

        native, jit = self.builds
        for name, _, check in steps:
            a, b = outcomes[(native.name, name)], outcomes[(jit.name, name)]
            problems = ["native: " + p for p in check(a)] + ["jit: " + p for p in check(b)]
            for (label, left), (_, right) in zip(a.texts(), b.texts()):
                left, right = normalize(left.replace(self.token(native), "<build>")), normalize(right.replace(self.token(jit), "<build>"))
                if left != right:
                    diff = difflib.unified_diff(right.splitlines(), left.splitlines(), "jit " + label, "native " + label, lineterm="", n=1)
                    problems.append("%s differs from the JIT build's:\n      %s" % (label, "\n      ".join(list(diff)[:40])))
            if sorted(a.files) != sorted(b.files) or sorted(a.extra) != sorted(b.extra):
                problems.append("the builds produced different sets of outputs: %s / %s" % (sorted(list(a.files) + list(a.extra)), sorted(list(b.files) + list(b.extra))))
            if problems:
                self.failed += 1
                print("FAIL %s  (native %.2f s, jit %.2f s)" % (name, a.seconds, b.seconds))
                for problem in problems:
                    print("    " + problem)
            else:
                self.passed += 1
                print("ok   %s  (native %.2f s, jit %.2f s)" % (name, a.seconds, b.seconds))
        self.receiver.close()


def received(requests):
    """The bodies a receiver got, with their content type, in a stable order: the registrations are reconciled side by
    side, so which of two events is sent first is not the build's to decide."""
    return sorted(("%s\n%s" % (content_type, body.decode("utf-8", "replace")) for _, content_type, body in requests), key=normalize)


def metric_names(text):
    """The tool's own metric series (names and labels, not values: durations differ on every run)."""
    names = set()
    for line in text.splitlines():
        if line.startswith("tenant_reconciler_"):
            names.add(re.sub(r"\s+\S+(\s+\d+)?$", "", line))
    return "\n".join(sorted(names))


def log_events(text):
    """The watch's JSON log lines by level, category and event id, sorted: the messages carry durations and times, and
    the service's parts log side by side, so the order of two lines is not the build's to decide."""
    events = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            events.append("not JSON: " + line)
            continue
        events.append("%s %s %s" % (entry.get("LogLevel") or entry.get("level"), entry.get("Category") or entry.get("category"),
                                    entry.get("EventId") if "EventId" in entry else entry.get("eventId")))
    return "\n".join(sorted(events))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--native", required=True, help="the native tenant-reconciler executable")
    parser.add_argument("--jit", required=True, help="the JIT (framework-dependent) tenant-reconciler executable")
    parser.add_argument("--out", default=os.path.join(REPO, ".ci", "out", "aot-smoke"))
    parser.add_argument("--azurite-endpoint", default=os.environ.get("AZURITE_BLOB_ENDPOINT"))
    args = parser.parse_args()
    if not args.azurite_endpoint:
        print("error: no Azurite endpoint (AZURITE_BLOB_ENDPOINT or --azurite-endpoint)", file=sys.stderr)
        print("aot-smoke: 0 passed, 1 failed")
        return 1
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    suite = Suite([Build("native", args.native), Build("jit", args.jit)], args.out, args.azurite_endpoint)
    suite.run()
    print("aot-smoke: %d passed, %d failed" % (suite.passed, suite.failed))
    return 1 if suite.failed or not suite.passed else 0


if __name__ == "__main__":
    sys.exit(main())
