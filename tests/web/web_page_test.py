#!/usr/bin/env python3
"""The web page in a real headless Chromium (Debian's chromium + chromium-driver, driven by
python3-selenium), against a real `jobtrail serve` over real imported data.

  web_page_test.py --jobtrail build/jobtrail --data data [--screenshot docs/screenshot.png]

It imports three real SLURM captures (data/slurm), starts `serve` on 127.0.0.1 with a read
token, opens the page with the token in the URL fragment, and checks that:
  - the token left the address bar (kept in sessionStorage, never in a URL);
  - the overview shows, per cluster, the counts GET /api/clusters gives, and those agree with
    paging through GET /api/jobs;
  - the arrays view shows an array's per-state counts as GET /api/arrays/{c}/{id} does;
  - after a POST /api/events (a new task of that array, then a new RUNNING job) the page shows
    the change WITHOUT a reload (a marker set on `window` survives), within a bounded wait;
  - when serve goes away and events are appended meanwhile, the page resumes the stream after
    the last event it had (Last-Event-ID) once serve is back, and shows them, still no reload;
  - the job page shows every transition of a job with its source and its raw records, and a
    POSTed field of that job appears without a reload;
  - the jobs table filters by state server-side and sorts; the charts draw;
  - the browser logged no error (a CSP violation or a failed request would show here).
Processes it starts (serve, chromedriver and its chromium) are stopped by PID; temp dirs go.
Exit 0 when all pass, 1 on a failure or when Chromium/Selenium are missing.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

INSTALL_HINT = ("run scripts/install-deps.sh as root (it installs chromium, chromium-driver and "
                "python3-selenium from Debian 12)")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TOKEN = "web-test-token-5d1c"
WAIT_S = 20  # every wait for the page is bounded by this
XDMOD_FIELDS = ("jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,submit,eligible,"
                "start,end,elapsed,exitcode,state,nnodes,ncpus,reqcpus,reqmem,reqtres,alloctres,"
                "timelimit,nodelist,jobname")
POLL_FIELDS = ("JobID,JobIDRaw,State,ExitCode,Submit,Start,End,Elapsed,User,Group,Account,"
               "Partition,QOS,NNodes,NCPUS,ReqCPUS,ReqMem,Timelimit,NodeList,JobName")

failures = []
servers = []  # every serve started, stopped by PID at the end whatever happened


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def prerequisites():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium (for " + sys.executable + ")")
    if missing:
        print("web page test: missing " + ", ".join(missing) + ": " + INSTALL_HINT, file=sys.stderr)
        sys.exit(1)


class Serve:
    """`jobtrail serve` on a free port, stopped by its PID."""

    def __init__(self, jobtrail, db, token_file, log_path, port=0):
        self.log = open(log_path, "w+")
        self.proc = subprocess.Popen(
            [jobtrail, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port, "--token-file",
             token_file],
            stdout=self.log, stderr=subprocess.STDOUT)
        servers.append(self)
        self.port = None
        deadline = time.time() + WAIT_S
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                break
            self.log.seek(0)
            match = re.search(r"\(port (\d+)\)", self.log.read())
            if match:
                self.port = int(match.group(1))
            else:
                time.sleep(0.05)
        if self.port is None:
            self.log.seek(0)
            raise RuntimeError("serve did not start: " + self.log.read())

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, path, body=None, headers=None):
        req = urllib.request.Request(self.url(path), data=body, headers=headers or {})
        req.add_header("Authorization", "Bearer " + TOKEN)
        with urllib.request.urlopen(req, timeout=10) as reply:
            return json.loads(reply.read())

    def post_event(self, event):
        return self.request("/api/events", json.dumps(event).encode(),
                            {"Content-Type": "application/json"})

    def stop(self):
        if self.log.closed:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def ingest(jobtrail, db, fields, cluster, path):
    done = subprocess.run([jobtrail, "--db", db, "ingest", "sacct", "--format", fields, "--cluster",
                           cluster, "--tz", "UTC", path], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("ingest %s failed: %s" % (path, done.stderr))


def start_browser(profile_dir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--window-size=1440,1000",
                "--user-data-dir=" + profile_dir):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT_S)
    return driver, service


def wait_for(driver, what, fn):
    """Polls fn(driver) until it is truthy or WAIT_S passes; returns its last value."""
    deadline = time.time() + WAIT_S
    value = None
    while time.time() < deadline:
        try:
            value = fn(driver)
        except Exception:  # the element is being replaced by a live refresh: try again
            value = None
        if value:
            return value
        time.sleep(0.1)
    check(False, "within %ds: %s" % (WAIT_S, what))
    return value


def go(driver, hash_route):
    """Changes the route without reloading (the page's router follows the hash)."""
    changed = driver.execute_script(
        "if (location.hash === arguments[0]) return false;"
        "document.getElementById('view').dataset.ready = 'false';"
        "location.hash = arguments[0]; return true;", hash_route)
    if not changed:
        return
    wait_for(driver, "view " + hash_route + " ready",
             lambda d: d.execute_script("return document.getElementById('view').dataset.ready") == "true")


def stat_of(driver, cluster, name):
    from selenium.webdriver.common.by import By
    el = driver.find_element(By.CSS_SELECTOR, '[data-cluster="%s"] [data-stat="%s"] b' % (cluster, name))
    return int(el.text.replace(",", ""))


def array_row(driver, key):
    """(total, {state: count}) as the arrays view shows them."""
    from selenium.webdriver.common.by import By
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-array="%s"]' % key)
    segs = row.find_elements(By.CSS_SELECTOR, ".stack .seg")
    return int(row.get_attribute("data-total")), {
        s.get_attribute("data-state"): int(s.get_attribute("data-count")) for s in segs}


def count_jobs_by_paging(serve, cluster):
    count, after = 0, None
    while True:
        path = "/api/jobs?cluster=%s&limit=1000" % cluster + ("&after=" + after if after else "")
        page = serve.request(path)
        count += len(page["jobs"])
        after = page["next"]
        if not after:
            return count


def check_token_dialog(driver, serve):
    """Without a token the page asks for one; once given, the data shows."""
    from selenium.webdriver.common.by import By
    driver.get(serve.url("/"))
    wait_for(driver, "the token dialog opens when reads are refused",
             lambda d: d.find_element(By.ID, "token-dialog").get_attribute("open") is not None)
    banner = driver.find_element(By.ID, "banner").text
    check("token" in banner, "the banner says a read token is needed (%r)" % banner)
    driver.find_element(By.ID, "token-input").send_keys(TOKEN)
    driver.find_element(By.CSS_SELECTOR, "#token-form button.primary").click()
    wait_for(driver, "the overview after entering the token",
             lambda d: d.find_elements(By.CSS_SELECTOR, "[data-cluster]"))
    stored = driver.execute_script("return sessionStorage.getItem('jobtrail.token')")
    check(stored == TOKEN, "the token is kept in sessionStorage")
    check(TOKEN not in driver.current_url, "the token is not in the address")
    # Reading the log drains it: the refused reads are the only errors expected so far.
    unexpected = [e for e in browser_errors(driver) if "401 (Unauthorized)" not in e["message"]]
    check(not unexpected, "only the refused reads were logged before the token: %s" % unexpected)


def check_overview(driver, serve):
    from selenium.webdriver.common.by import By
    api = serve.request("/api/clusters")
    wait_for(driver, "overview cards", lambda d: d.find_elements(By.CSS_SELECTOR, "[data-cluster]"))
    for c in api["clusters"]:
        name = c["cluster"]
        for stat in ("jobs", "running", "pending", "arrays"):
            check(stat_of(driver, name, stat) == c[stat],
                  "overview %s %s = %d as GET /api/clusters says" % (name, stat, c[stat]))
        check(count_jobs_by_paging(serve, name) == c["jobs"],
              "overview %s jobs = the number of jobs GET /api/jobs pages through" % name)
    return api


def check_live_array(driver, serve):
    key = "jtlive/7"
    go(driver, "#/arrays")
    api = serve.request("/api/arrays/jtlive/7")
    total, states = wait_for(driver, "array row " + key, lambda d: array_row(d, key))
    check(total == api["total"] and states == api["states"],
          "array %s shows %d tasks %s as the API does" % (key, api["total"], api["states"]))
    driver.execute_script("window.__notReloaded = 'yes';")
    serve.post_event({"type": "JobSubmitted", "cluster": "jtlive", "job": "7_21",
                      "body": {"user": "webtest", "name": "late task", "state": "PENDING",
                               "array_parent": "7"}})
    after = serve.request("/api/arrays/jtlive/7")
    check(after["total"] == api["total"] + 1, "the POST added a task to array 7 (API)")
    seen = wait_for(driver, "array row shows the POSTed task without a reload",
                    lambda d: array_row(d, key)[0] == after["total"] and array_row(d, key))
    if seen:
        check(seen[1] == after["states"], "array %s now shows %s, live" % (key, after["states"]))
    check(driver.execute_script("return window.__notReloaded") == "yes", "the page did not reload")


def check_live_overview(driver, serve):
    go(driver, "#/")
    before = serve.request("/api/clusters")
    running = next(c["running"] for c in before["clusters"] if c["cluster"] == "jtlive")
    wait_for(driver, "overview shows jtlive", lambda d: stat_of(d, "jtlive", "running") == running)
    serve.post_event({"type": "JobSubmitted", "cluster": "jtlive", "job": "900",
                      "body": {"user": "webtest", "name": "posted from the test",
                               "state": "RUNNING", "cpus_requested": 4}})
    wait_for(driver, "overview running count of jtlive goes %d -> %d live" % (running, running + 1),
             lambda d: stat_of(d, "jtlive", "running") == running + 1)
    check(stat_of(driver, "jtlive", "running") == running + 1,
          "overview shows the POSTed RUNNING job without a reload")
    from selenium.webdriver.common.by import By
    feed = driver.find_element(By.ID, "feed").text
    check("posted" in feed or "900" in feed, "the live feed lists the POSTed event")
    check(driver.execute_script("return window.__notReloaded") == "yes", "still no reload")


def check_resume(driver, serve, args, db, token_file, tmp):
    """serve goes away; events are appended meanwhile; the page resumes after the last event it
    had (Last-Event-ID) once serve is back on its port, and shows them without a reload."""
    from selenium.webdriver.common.by import By
    go(driver, "#/")
    port = serve.port
    serve.stop()
    wait_for(driver, "the page notices the stream is gone",
             lambda d: d.execute_script("return document.body.dataset.live") != "live")
    ingest(args.jobtrail, db, XDMOD_FIELDS, "while-away",
           os.path.join(args.data, "slurm", "xdmod-unit-accounting-logs.sacct.log"))
    back = Serve(args.jobtrail, db, token_file, os.path.join(tmp, "serve2.log"), port)
    wait_for(driver, "the page resumes the stream and shows the cluster imported while away",
             lambda d: d.find_elements(By.CSS_SELECTOR, '[data-cluster="while-away"]'))
    jobs = back.request("/api/clusters?cluster=while-away")["clusters"][0]["jobs"]
    check(stat_of(driver, "while-away", "jobs") == jobs,
          "after resuming, the overview shows the %d jobs imported while serve was down" % jobs)
    check(driver.execute_script("return window.__notReloaded") == "yes", "no reload across the outage")
    # Reading the log drains it: failed connections during the outage are the errors expected.
    unexpected = [e for e in browser_errors(driver) if "ERR_CONNECTION_REFUSED" not in e["message"]]
    check(not unexpected, "only refused connections were logged during the outage: %s" % unexpected)
    return back


def check_job_page(driver, serve):
    from selenium.webdriver.common.by import By
    # A job with raw records and several transitions: the first FAILED job of phillips.
    failed = serve.request("/api/jobs?cluster=phillips&state=FAILED&limit=1")["jobs"][0]
    job = failed["job"]
    history = serve.request("/api/jobs/phillips/%s/history" % job)["history"]
    records = serve.request("/api/jobs/phillips/%s/records" % job)["records"]
    go(driver, "#/job/phillips/" + job)
    items = driver.find_elements(By.CSS_SELECTOR, "#timeline li")
    check(len(items) == len(history), "job page timeline has the %d transitions" % len(history))
    sources = [i.find_element(By.CSS_SELECTOR, ".src-kind").text for i in items]
    check(all(s == h["source"]["kind"] for s, h in zip(sources, history)),
          "each timeline point names its source (%s)" % ", ".join(sorted(set(sources))))
    raws = driver.find_elements(By.CSS_SELECTOR, "pre.raw")
    check(len(raws) == len(records) and len(records) > 0, "the job's %d raw records are shown" % len(records))
    check(driver.find_element(By.ID, "job").get_attribute("data-state") == "FAILED", "job state shown")
    serve.post_event({"type": "JobFieldsUpdated", "cluster": "phillips", "job": job,
                      "body": {"fields": {"stage": "postmortem-by-web-test"}}})
    wait_for(driver, "the job page shows the POSTed field without a reload",
             lambda d: "postmortem-by-web-test" in d.find_element(By.ID, "job").text)
    check(driver.execute_script("return window.__notReloaded") == "yes", "the job page did not reload")


def check_jobs_table(driver, serve):
    from selenium.webdriver.common.by import By
    api = serve.request("/api/jobs?cluster=phillips&state=TIMEOUT&limit=200")["jobs"]
    go(driver, "#/jobs?cluster=phillips&state=TIMEOUT")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.jobs tbody tr")
    check(len(rows) == len(api) and all(r.get_attribute("data-state") == "TIMEOUT" for r in rows),
          "jobs table filtered by state shows the %d TIMEOUT jobs of the API's page" % len(api))
    driver.find_element(By.CSS_SELECTOR, 'th[data-key="cpus"]').click()
    driver.find_element(By.CSS_SELECTOR, 'th[data-key="cpus"]').click()  # descending
    first = driver.find_element(By.CSS_SELECTOR, "table.jobs tbody tr").get_attribute("data-job")
    top = max(api, key=lambda j: j["cpus"])
    check(first == "phillips/" + top["job"] or
          next(j for j in api if "phillips/" + j["job"] == first)["cpus"] == top["cpus"],
          "sorting by CPUs (descending) puts a job with the most CPUs first")


def check_charts(driver, serve):
    from selenium.webdriver.common.by import By
    waits = serve.request("/api/wait-times?cluster=phillips")
    go(driver, "#/charts?cluster=phillips")
    started = wait_for(driver, "wait tiles", lambda d: d.find_element(By.CSS_SELECTOR, '[data-stat="started"] b').text)
    check(int(started.replace(",", "")) == waits["count"], "charts count %d started jobs" % waits["count"])
    drawn = driver.execute_script(
        "return ['wait-hist','wait-groups','wait-days','usage-top','usage-days']"
        ".filter(id => { const c = document.getElementById(id); return c && c.width > 0 && Chart.getChart(c); }).length")
    check(drawn == 5, "the five charts are drawn (%d)" % drawn)


def shoot(driver, args, name):
    if args.screenshot_dir:
        driver.save_screenshot(os.path.join(args.screenshot_dir, name + ".png"))


def browser_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def run(args, tmp):
    db = os.path.join(tmp, "db")
    token_file = os.path.join(tmp, "token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    slurm = os.path.join(args.data, "slurm")
    ingest(args.jobtrail, db, XDMOD_FIELDS, "phillips", os.path.join(slurm, "xdmod-phillips.sacct.log"))
    ingest(args.jobtrail, db, XDMOD_FIELDS, "ub-hpc",
           os.path.join(slurm, "xdmod-unit-accounting-logs-with-job-arrays.sacct.log"))
    ingest(args.jobtrail, db, POLL_FIELDS, "jtlive", os.path.join(slurm, "jobtrail-live-sacct-duplicates.txt"))
    serve = Serve(args.jobtrail, db, token_file, os.path.join(tmp, "serve.log"))
    driver = service = None
    try:
        driver, service = start_browser(os.path.join(tmp, "chromium-profile"))
        check_token_dialog(driver, serve)
        driver.execute_script("sessionStorage.clear();")
        driver.get(serve.url("/#token=" + TOKEN))
        check_overview(driver, serve)
        check("token" not in driver.current_url, "the token left the address bar")
        wait_for(driver, "live stream caught up",
                 lambda d: d.execute_script("return document.body.dataset.live") == "live")
        check_live_array(driver, serve)
        shoot(driver, args, "arrays")
        check_live_overview(driver, serve)
        if args.screenshot:
            # The whole overview: the window as tall as the page (the chrome takes ~150 px).
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1440, min(height + 150, 2400))
            driver.save_screenshot(args.screenshot)
            driver.set_window_size(1440, 1000)
        shoot(driver, args, "overview")
        serve = check_resume(driver, serve, args, db, token_file, tmp)
        check_job_page(driver, serve)
        shoot(driver, args, "job")
        check_jobs_table(driver, serve)
        shoot(driver, args, "jobs")
        check_charts(driver, serve)
        shoot(driver, args, "charts")
        errors = browser_errors(driver)
        check(not errors, "no browser errors" + ("" if not errors else ": " + json.dumps(errors)[:2000]))
    finally:
        if driver is not None:
            driver.quit()
        if service is not None and service.process and service.process.poll() is None:
            os.kill(service.process.pid, signal.SIGKILL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobtrail", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--screenshot", help="save a PNG of the overview here")
    parser.add_argument("--screenshot-dir", help="save a PNG of every view checked here")
    args = parser.parse_args()
    prerequisites()
    tmp = tempfile.mkdtemp(prefix="jobtrail-web-")
    try:
        run(args, tmp)
    except Exception as error:  # a failure to set up is a failure of the test
        check(False, "%s: %s" % (type(error).__name__, error))
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(failures) if failures else "all web page checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
