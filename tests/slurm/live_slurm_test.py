#!/usr/bin/env python3
"""Live SLURM scenarios: a private SLURM (tests/slurm/harness.sh) runs real jobs while
`jobtrail poll --once` follows it; the ledger's history is then checked against what really
happened.

Scenarios (run side by side; the slow TIMEOUT job alongside the others):
  simple       sleep, COMPLETED 0
  afterok      B then C (afterok:B): C starts after B ended
  never        D exits 3 (FAILED 3:0); E afterok:D never satisfied, cancelled: never ran
  array        --array=1-20%5: per-state counts at each poll equal squeue's; all COMPLETED
  hold         held, released: PENDING (JobHeldUser) then RUNNING after the release
  cancel       cancelled while pending (never ran) and while running
  requeue      scontrol requeue: the history shows the job running twice
  timeout      --time=1: TIMEOUT
  outage       slurmctld killed during polling: SourceStatus down, no job transition while
               down; restarted: SourceStatus up, the job that ended meanwhile caught up at its
               real end time
Then `jobtrail verify` is clean and `audit` flags nothing impossible. Last, `serve
--slurm-cluster` runs the poller in its own process: a job submitted with sbatch reaches
COMPLETED over HTTP.

Exit 77 (ctest: skipped) without root. Every wait is bounded; the harness's daemons are
stopped by PID when the test ends, however it ends.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

WAIT_MAX_S = 240  # the longest any phase may take (TIMEOUT needs ~80-90 s)
SERVE_WAIT_S = 50  # serve's own poller: a 1 s job from sbatch to COMPLETED


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Live:
    def __init__(self, jobtrail, harness, work):
        self.jobtrail = jobtrail
        self.harness = harness
        self.work = work
        self.slurm_dir = os.path.join(work, "slurm")
        self.db = os.path.join(work, "db")
        self.env = dict(os.environ, SLURM_CONF=os.path.join(self.slurm_dir, "etc", "slurm.conf"))
        self.polls = []  # every poll's JSON report

    # ---- commands
    def run(self, argv, timeout=60, check_rc=True):
        r = subprocess.run(argv, env=self.env, cwd=self.work, capture_output=True, text=True,
                           timeout=timeout)
        if check_rc and r.returncode != 0:
            raise Failure(f"{' '.join(argv)} -> {r.returncode}: {r.stderr.strip()[-500:]}")
        return r

    def sbatch(self, *args, script="sleep 2"):
        out = self.run(["sbatch", "--parsable", "-o", "/dev/null", *args, "--wrap", script])
        return out.stdout.strip().split(";")[0]

    def squeue_states(self, job=None):
        """{job key: state} of every job squeue knows (finished ones too), one row per task."""
        argv = ["squeue", "-h", "-r", "-t", "all", "-o", "%i|%T"]
        if job:
            argv += ["-j", job]
        out = self.run(argv, check_rc=False)
        if out.returncode != 0:
            return None
        return dict(line.split("|", 1) for line in out.stdout.splitlines() if "|" in line)

    def poll(self, expect_ok=True):
        r = self.run([self.jobtrail, "--db", self.db, "poll", "--cluster", "live", "--once",
                      "--json", "--command-timeout-ms", "8000"], timeout=60, check_rc=False)
        check(r.returncode in (0, 3), f"poll failed ({r.returncode}): {r.stderr[-800:]}")
        report = json.loads(r.stdout.strip().splitlines()[-1])
        self.polls.append(report)
        if expect_ok:
            check(report["squeue_ok"] and report["sacct_ok"], f"poll reported {report}")
        return report

    def query(self, *args):
        r = self.run([self.jobtrail, "--db", self.db, *args, "--json"])
        return json.loads(r.stdout)

    def history(self, job):
        return self.query("history", job, "--cluster", "live")

    def job(self, job):
        return next(j for j in self.query("jobs", "--cluster", "live") if j["job"] == job)

    def poll_until(self, what, condition, limit_s=WAIT_MAX_S, each=None):
        end = time.time() + limit_s
        while time.time() < end:
            self.poll()
            if each:
                each()
            if condition():
                return
            time.sleep(0.5)
        raise Failure(f"timed out after {limit_s}s waiting for {what}")


def states_of(history):
    return [e["to"] for e in history if e["event"] in ("submitted", "state_changed")]


def settled(states):
    """The states without COMPLETING: a poll that lands while SLURM cleans a job up sees it
    (a real observation, kept in the ledger), one that does not never will."""
    return [s for s in states if s != "COMPLETING"]


def count(states):
    out = {}
    for s in states:
        out[s] = out.get(s, 0) + 1
    return out


def array_check(live, array, samples):
    """Ledger counts after a poll equal squeue's, when squeue did not change during the poll.

    A task that just left squeue while sacct has no end for it yet stays in its last seen
    state in the ledger (its end is never guessed) and awaits the next poll's lookup: such a
    poll may differ from squeue by at most its awaiting jobs, all in a running state."""
    before = live.squeue_states(array)
    report = live.poll()
    after = live.squeue_states(array)
    if before is None or before != after:
        return
    truth = count(before.values())
    ledger = live.query("array", array, "--cluster", "live")["states"]
    if report["awaiting"] == 0:
        check(ledger == truth, f"array {array}: ledger {ledger} != squeue {truth}")
        samples.append(truth)
        return
    lagging = sum(max(0, ledger.get(s, 0) - truth.get(s, 0)) for s in ("RUNNING", "COMPLETING"))
    check(lagging <= report["awaiting"] and sum(ledger.values()) == sum(truth.values()),
          f"array {array}: ledger {ledger} vs squeue {truth} beyond {report['awaiting']} awaiting")


def scenarios(live):
    simple = live.sbatch(script="sleep 2")
    b = live.sbatch(script="sleep 4")
    c = live.sbatch(f"--dependency=afterok:{b}", script="sleep 1")
    d = live.sbatch(script="sleep 2; exit 3")
    e = live.sbatch(f"--dependency=afterok:{d}", script="sleep 1")
    timeout = live.sbatch("--time=1", script="sleep 300")
    array = live.sbatch("--array=1-20%5", script="sleep 4")
    held = live.sbatch("--hold", script="sleep 1")
    pending = live.sbatch("--begin=now+3600", script="sleep 1")
    running = live.sbatch(script="sleep 300")
    requeued = live.sbatch(script="sleep 8")

    # Requeue and cancel while running, as soon as the jobs run.
    live.poll_until(f"jobs {requeued} and {running} running", lambda: live.job(
        requeued)["state"] == "RUNNING" and live.job(running)["state"] == "RUNNING", limit_s=60)
    live.run(["scontrol", "requeue", requeued])
    live.run(["scancel", running])

    # The array, polled: counts agree with squeue at every poll where squeue held still.
    samples = []
    live.poll_until(f"array {array} to complete", lambda: all(
        s == "COMPLETED" for s in (live.squeue_states(array) or {"": ""}).values()),
        each=lambda: array_check(live, array, samples), limit_s=120)
    check(len(samples) >= 3, f"only {len(samples)} array polls could be compared")
    live.poll_until("the array's last lookups", lambda: live.query(
        "array", array, "--cluster", "live")["states"] == {"COMPLETED": 20}, limit_s=30)

    # Hold, then release; cancel while pending; the never satisfied dependency cancelled.
    check(live.job(held)["state"] == "PENDING", "held job pending")
    released_at = time.time()
    live.run(["scontrol", "release", held])
    live.run(["scancel", pending])
    live.poll_until(f"job {d} failed", lambda: live.job(d)["state"] == "FAILED")
    live.run(["scancel", e])
    # Before the outage: a job ending while slurmctld is SIGKILLed may stay RUNNING for it
    # (the completion is lost with the unsaved state); the outage scenario has its own job.
    live.poll_until(f"job {requeued} to run again and end",
                    lambda: live.job(requeued)["state"] == "COMPLETED", limit_s=120)

    outage(live)

    live.poll_until("every job to end", lambda: not live.squeue_states() or all(
        s not in ("PENDING", "RUNNING", "COMPLETING") for s in live.squeue_states().values()))
    live.poll_until("sacct to settle", lambda: live.polls[-1]["awaiting"] == 0, limit_s=60)

    check_simple(live, simple)
    check_afterok(live, b, c)
    check_never(live, d, e)
    check_hold(live, held, released_at)
    check_cancelled(live, pending, ran=False)
    check_cancelled(live, running, ran=True)
    check_requeue(live, requeued)
    check_final(live, timeout, "TIMEOUT")
    print(f"array: {len(samples)} polls compared with squeue, e.g. {samples[:3]}")


def outage(live):
    """slurmctld killed while a job runs: the job ends during the outage."""
    run_s = 10
    survivor = live.sbatch(script=f"sleep {run_s}")
    live.poll_until(f"job {survivor} running", lambda: live.job(survivor)["state"] == "RUNNING")
    running_seen_at = time.time()
    # slurmctld saves job state a few seconds after a change (later on a loaded machine); killed
    # before that, it comes back without the job or believing it pending: real, but another
    # scenario. So make it save now (a job update schedules a save) and wait for the file.
    asked_at = time.time()
    live.run(["scontrol", "update", f"JobId={survivor}", "Comment=jobtrail-outage-test"])
    wait_state_saved(live, since=asked_at)
    live.run(["bash", live.harness, "ctld-stop", live.slurm_dir])
    down_from = time.time()
    events_before = len(live.query("log", "--limit", "1000000"))
    first = live.poll(expect_ok=False)
    second = live.poll(expect_ok=False)
    check(not first["squeue_ok"] and not second["squeue_ok"], "squeue fails while slurmctld is down")
    check(first["events_appended"] == 1 and second["events_appended"] == 0,
          f"one SourceStatus on the change, nothing after: {first}, {second}")
    # The survivor ends while the controller is down.
    time.sleep(max(1.0, running_seen_at + run_s + 1 - time.time()))
    live.run(["bash", live.harness, "ctld-start", live.slurm_dir])
    up_at = time.time()
    log = live.query("log", "--limit", "1000000")
    check(all(e["type"] == "SourceStatus" for e in log[events_before:]),
          "nothing but SourceStatus was written while slurmctld was down")
    live.poll_until(f"job {survivor} caught up", lambda: is_final(live.job(survivor)["state"]),
                    limit_s=90)
    statuses = [e["body"] for e in live.query("log", "--limit", "1000000")
                if e["type"] == "SourceStatus" and e["body"]["source"] == "squeue"]
    check([s["reachable"] for s in statuses][-2:] == [False, True],
          f"squeue's health: down then up again: {statuses}")
    h = live.history(survivor)
    check(settled(states_of(h)) == ["PENDING", "RUNNING", "COMPLETED"], f"survivor: {states_of(h)}")
    print(f"outage: slurmctld down {up_at - down_from:.1f}s; job {survivor} ended during it, "
          f"caught up at {h[-1]['effective_at']} (observed {h[-1]['observed_at']})")


def wait_state_saved(live, since, limit_s=60):
    """Waits until slurmctld's job_state file was written after `since` (a time.time())."""
    path = os.path.join(live.slurm_dir, "ctld", "job_state")
    end = time.time() + limit_s
    while time.time() < end:
        try:
            if os.stat(path).st_mtime > since + 0.01:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.2)
    raise Failure(f"slurmctld did not save its job state within {limit_s}s")


def is_final(state):
    return state not in ("PENDING", "RUNNING", "COMPLETING", "SUSPENDED")


def check_final(live, job, state, exit_code=None):
    view = live.job(job)
    check(view["state"] == state, f"job {job}: {view['state']}, expected {state}")
    if exit_code is not None:
        check(view.get("exit_code") == exit_code, f"job {job}: exit {view.get('exit_code')}")


def check_simple(live, job):
    check(settled(states_of(live.history(job))) == ["PENDING", "RUNNING", "COMPLETED"], f"simple {job}")
    check_final(live, job, "COMPLETED", 0)


def check_afterok(live, b, c):
    check_final(live, b, "COMPLETED", 0)
    check_final(live, c, "COMPLETED", 0)
    check(live.job(c)["start_at"] >= live.job(b)["end_at"], "afterok: C started after B ended")


def check_never(live, d, e):
    check_final(live, d, "FAILED", 3)
    check(states_of(live.history(e)) == ["PENDING", "CANCELLED"], f"never satisfied {e}")


def check_hold(live, job, released_at):
    h = live.history(job)
    check(settled(states_of(h)) == ["PENDING", "RUNNING", "COMPLETED"],
          f"hold {job}: {states_of(h)}")
    check(live.job(job)["start_at"] >= time.strftime("%Y-%m-%dT%H:%M:%S",
                                                     time.gmtime(int(released_at))),
          "the held job started after its release")


def check_cancelled(live, job, ran):
    expected = ["PENDING", "RUNNING", "CANCELLED"] if ran else ["PENDING", "CANCELLED"]
    check(settled(states_of(live.history(job))) == expected, f"cancelled {job}: "
          f"{states_of(live.history(job))}")


def check_requeue(live, job):
    states = states_of(live.history(job))
    check(states.count("RUNNING") == 2 and states[-1] == "COMPLETED",
          f"requeued {job} should run twice: {states}")


def check_ledger(live):
    report = live.query("verify")
    check(report.get("clean", report.get("difference_count") == 0), f"verify: {report}")
    for j in live.query("jobs", "--cluster", "live"):
        flags = [f for f in live.query("audit", j["job"], "--cluster", "live")
                 if f["impossible"]]
        check(not flags, f"audit {j['job']}: {flags}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as reply:
        return json.loads(reply.read())


def serve_scenario(live):
    """`serve --slurm-cluster`: the poller runs inside serve (its own database); a job
    submitted with sbatch reaches COMPLETED in GET /api/jobs/..., and serve stops cleanly on
    SIGTERM. Bounded to SERVE_WAIT_S."""
    port = free_port()
    db = os.path.join(live.work, "serve-db")
    err = open(os.path.join(live.work, "serve.err"), "w")
    proc = subprocess.Popen([live.jobtrail, "--db", db, "serve", "--listen", f"127.0.0.1:{port}",
                             "--public-read", "--slurm-cluster", "served",
                             "--poll-interval-ms", "1000"],
                            env=live.env, cwd=live.work, stdout=subprocess.DEVNULL, stderr=err)
    try:
        job = live.sbatch(script="sleep 1")
        begun = time.time()
        end = begun + SERVE_WAIT_S
        state = None
        while time.time() < end and state != "COMPLETED":
            time.sleep(0.5)
            try:
                state = http_json(port, f"/api/jobs/served/{job}")["state"]
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                continue  # not served yet, or the job is not in the ledger yet (404)
        check(state == "COMPLETED", f"serve --slurm-cluster: job {job} is {state} via HTTP")
        print(f"serve --slurm-cluster: job {job} COMPLETED via HTTP after {time.time() - begun:.1f}s")
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
        check(b'jobtrail_source_up{source="slurm/served",cluster="served",reported_by="serve"} 1'
              in metrics, "serve's SLURM source is not up in /metrics")
    finally:
        proc.terminate()
        code = proc.wait(timeout=60)
        err.close()
    check(code == 0, f"serve exited {code}: {open(err.name).read()[-800:]}")


def capture(live, out_dir):
    """Real squeue/sacct output of this SLURM, for parser fixtures (--capture DIR)."""
    os.makedirs(out_dir, exist_ok=True)
    fmt = "%i|%A|%T|%r|%u|%g|%a|%P|%q|%D|%C|%l|%V|%S|%e|%Q|%N|%j"
    r = live.run(["squeue", "-h", "-a", "-t", "all", "-o", fmt])
    open(os.path.join(out_dir, "squeue-poll.txt"), "w").write(r.stdout)
    fields = ("JobID,JobIDRaw,State,ExitCode,Submit,Start,End,Elapsed,User,Group,Account,"
              "Partition,QOS,NNodes,NCPUS,ReqCPUS,ReqMem,Timelimit,NodeList,JobName")
    # --jobs, not a time window: jobs that were never eligible (cancelled while pending) are
    # listed only when asked for by id.
    ids = sorted({line.split("|", 2)[1] for line in r.stdout.splitlines()}, key=int)
    r = live.run(["sacct", "-n", "-P", "-a", "-D", "--jobs=" + ",".join(ids),
                  "--format=" + fields])
    open(os.path.join(out_dir, "sacct-duplicates.txt"), "w").write(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobtrail", required=True)
    ap.add_argument("--harness", required=True)
    ap.add_argument("--capture", help="also write real squeue/sacct output here")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("live SLURM tests need root (daemons run as slurm, munge, mysql): skipped")
        return 77
    subprocess.run(["bash", os.path.join(os.path.dirname(args.harness), "..", "..", "scripts",
                                         "install-slurm.sh")], check=True)
    work = tempfile.mkdtemp(prefix="jobtrail-live-slurm-")
    os.chmod(work, 0o755)  # the daemons run as slurm, munge and mysql
    live = Live(os.path.abspath(args.jobtrail), os.path.abspath(args.harness), work)
    started = time.time()
    try:
        live.run(["bash", live.harness, "start", live.slurm_dir], timeout=180)
        print(f"SLURM up in {time.time() - started:.1f}s")
        scenarios(live)
        check_ledger(live)
        serve_scenario(live)
        if args.capture:
            capture(live, args.capture)
        print(f"all scenarios passed in {time.time() - started:.1f}s, {len(live.polls)} polls")
        return 0
    except (Failure, subprocess.TimeoutExpired, StopIteration) as e:
        print(f"FAILED: {e!r}", file=sys.stderr)
        print(live.run(["squeue", "-t", "all", "-o", "%i %T %r %S %e"], check_rc=False).stdout,
              file=sys.stderr)
        logs = os.path.join(live.slurm_dir, "log", "slurm", "slurmctld.log")
        if os.path.exists(logs):
            print("".join(open(logs).readlines()[-20:]), file=sys.stderr)
        return 1
    finally:
        subprocess.run(["bash", live.harness, "stop", live.slurm_dir], env=live.env, timeout=120)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
